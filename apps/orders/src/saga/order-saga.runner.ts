import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { JetStreamConsumerHost } from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from '../config';
import { OrderDeadlineHandler } from './order-deadline.handler';
import { OrderSagaHandlers } from './order-saga.handlers';

/**
 * Runs the saga's durable consumers: order events (to react to `OrderPlaced`), payment
 * outcomes, and the order deadline (`OrderPlaced` again, as a timer). Every orders
 * instance joins all of them, so the saga scales with them. A step that fails
 * (inventory unreachable, a conflict) is nak'ed and retried with backoff; after
 * `SAGA_MAX_DELIVER` deliveries it goes to a dead letter with the reason.
 */
@Injectable()
export class OrderSagaRunner implements OnApplicationBootstrap {
  constructor(
    private readonly host: JetStreamConsumerHost,
    private readonly saga: OrderSagaHandlers,
    private readonly deadlines: OrderDeadlineHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { streams } = TOPOLOGY.nats;
    await this.host.ensureStreams(
      [streams.paymentEvents, streams.payments, streams.deadLetters, streams.redrives],
      config.JETSTREAM_REPLICAS,
    );
    const step = {
      maxDeliver: config.SAGA_MAX_DELIVER,
      ackWaitMs: config.SAGA_ACK_WAIT_MS,
      batchSize: 20,
    };
    const { ordersSaga, ordersPaymentOutcomes, ordersDeadlines } = CATALOG.subscriptions;
    await this.host.consume(
      ordersSaga,
      { OrderPlaced: (placed) => this.saga.onOrderPlaced(placed) },
      step,
    );
    await this.host.consume(
      ordersPaymentOutcomes,
      {
        PaymentSucceeded: (outcome) => this.saga.onPaymentOutcome(outcome),
        PaymentDeclined: (outcome) => this.saga.onPaymentOutcome(outcome),
      },
      step,
    );
    await this.host.consume(
      ordersDeadlines,
      { OrderPlaced: (placed) => this.deadlines.onOrderPlaced(placed) },
      {
        ...step,
        // Every open order is one unacked (nak'ed, waiting) message of this consumer.
        maxAckPending: config.ORDERS_DEADLINE_MAX_PENDING,
        // "Not due yet" naks count as deliveries too: one normally (nak until due), a few
        // more if the server restarts meanwhile. Leave the failure retries their full budget.
        maxDeliver: config.SAGA_MAX_DELIVER + 10,
      },
    );
  }
}
