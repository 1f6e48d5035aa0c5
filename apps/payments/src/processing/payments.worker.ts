import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import {
  ensureStream,
  startDurableWorker,
  withJetStreamSpan,
  type PullConsumerRunner,
} from '@switchyard/messaging';
import {
  ConsumerMonitor,
  ConsumerRegistry,
  JETSTREAM,
  JETSTREAM_MANAGER,
} from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import { ProcessPaymentHandler } from './process-payment.handler';

/**
 * The payments work queue: a durable pull consumer on `payments.requested`. Payments is
 * JetStream, not core NATS, because a request must survive the payments service being
 * offline: it waits in the stream until a worker acks it.
 */
@Injectable()
export class PaymentsWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PaymentsWorker.name);
  private runner: PullConsumerRunner | undefined;

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly handler: ProcessPaymentHandler,
    private readonly control: ConsumerRegistry,
    private readonly monitor: ConsumerMonitor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { streams, consumers } = TOPOLOGY.nats;
    const declared = { replicas: config.JETSTREAM_REPLICAS, logger: this.logger };
    await ensureStream(this.jsm, streams.payments, declared);
    await ensureStream(this.jsm, streams.paymentEvents, declared);
    await ensureStream(this.jsm, streams.deadLetters, declared);
    const { stream, durable, deadLetterSubject } = consumers.paymentsWorker;
    this.runner = await startDurableWorker(this.js, this.jsm, {
      stream,
      durable,
      maxDeliver: config.PAYMENTS_MAX_DELIVER,
      ackWaitMs: config.PAYMENTS_ACK_WAIT_MS,
      maxAckPending: config.PAYMENTS_BATCH_SIZE * 10,
      deadLetterSubject,
      batchSize: config.PAYMENTS_BATCH_SIZE,
      // One request at a time within a batch: a processor call is the slow part anyway.
      handle: async (messages) => {
        const dispositions = [];
        for (const message of messages) {
          // One `process` span per request, in the trace of the order that asked for it.
          dispositions.push(
            await withJetStreamSpan(message, { durable }, () => this.handler.handle(message)),
          );
        }
        return dispositions;
      },
      logger: this.logger,
      observer: this.monitor.jetStream(this.jsm, stream, durable),
    });
    this.control.register(this.runner);
  }

  /** Finish the batch in hand (publish outcomes, ack), then stop pulling. */
  async onApplicationShutdown(): Promise<void> {
    await this.runner?.stop();
  }
}
