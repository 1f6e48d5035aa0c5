import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JetStreamConsumerHost } from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from '../config';
import { ProcessPaymentHandler } from './process-payment.handler';

/**
 * The payments work queue: a durable pull consumer on `payments.requested`. Payments is
 * JetStream, not core NATS, because a request must survive the payments service being
 * offline: it waits in the stream until a worker acks it.
 */
@Injectable()
export class PaymentsWorker implements OnApplicationBootstrap {
  constructor(
    private readonly host: JetStreamConsumerHost,
    private readonly handler: ProcessPaymentHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { streams } = TOPOLOGY.nats;
    await this.host.ensureStreams(
      [streams.payments, streams.paymentEvents, streams.deadLetters],
      config.JETSTREAM_REPLICAS,
    );
    await this.host.consume(
      CATALOG.subscriptions.paymentsWorker,
      { PaymentRequested: (request, message) => this.handler.handle(request, message) },
      {
        maxDeliver: config.PAYMENTS_MAX_DELIVER,
        ackWaitMs: config.PAYMENTS_ACK_WAIT_MS,
        maxAckPending: config.PAYMENTS_BATCH_SIZE * 10,
        batchSize: config.PAYMENTS_BATCH_SIZE,
        // One request at a time within a batch: a processor call is the slow part anyway.
        concurrency: 'serial',
      },
    );
  }
}
