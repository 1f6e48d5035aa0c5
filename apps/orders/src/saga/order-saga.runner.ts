import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { OrderEventTypes, PaymentOutcomeSchema, upcastOrderEvent } from '@switchyard/contracts';
import {
  ensureStream,
  startDurableWorker,
  type PullConsumerRunner,
  type Disposition,
} from '@switchyard/messaging';
import { JETSTREAM, JETSTREAM_MANAGER } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import { OrderSagaHandlers } from './order-saga.handlers';

function parseJson(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}

/**
 * Runs the saga's two durable pull consumers: order events (to react to `OrderPlaced`)
 * and payment outcomes. Every orders instance joins both, so the saga scales with them.
 * A step that fails (inventory unreachable, a conflict) is nak'ed and retried with
 * backoff; after `SAGA_MAX_DELIVER` deliveries it goes to a dead letter with the reason.
 */
@Injectable()
export class OrderSagaRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderSagaRunner.name);
  private readonly runners: PullConsumerRunner[] = [];

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly handlers: OrderSagaHandlers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { streams, consumers } = TOPOLOGY.nats;
    await ensureStream(this.jsm, streams.paymentEvents);
    await ensureStream(this.jsm, streams.payments);
    await ensureStream(this.jsm, streams.deadLetters);
    await this.run(consumers.ordersSaga, (message) => this.onOrderEvent(message));
    await this.run(consumers.ordersPaymentOutcomes, (message) => this.onPaymentOutcome(message));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  private async onOrderEvent(message: JsMsg): Promise<Disposition> {
    const parsed = upcastOrderEvent(parseJson(message));
    if (!parsed.ok) return { kind: 'dead-letter', reason: parsed.reason };
    // The saga reacts to OrderPlaced only; the rest of the order's events are its own.
    if (parsed.event.type !== OrderEventTypes.OrderPlaced) return { kind: 'ack' };
    await this.handlers.onOrderPlaced(parsed.event);
    return { kind: 'ack' };
  }

  private async onPaymentOutcome(message: JsMsg): Promise<Disposition> {
    const parsed = PaymentOutcomeSchema.safeParse(parseJson(message));
    if (!parsed.success)
      return { kind: 'dead-letter', reason: `not a payment outcome: ${parsed.error.message}` };
    await this.handlers.onPaymentOutcome(parsed.data);
    return { kind: 'ack' };
  }

  private async run(
    consumer: { stream: string; durable: string; filterSubject: string; deadLetterSubject: string },
    handle: (message: JsMsg) => Promise<Disposition>,
  ): Promise<void> {
    const runner = await startDurableWorker(this.js, this.jsm, {
      stream: consumer.stream,
      durable: consumer.durable,
      filterSubject: consumer.filterSubject,
      maxDeliver: config.SAGA_MAX_DELIVER,
      ackWaitMs: config.SAGA_ACK_WAIT_MS,
      deadLetterSubject: consumer.deadLetterSubject,
      batchSize: 20,
      // Each message on its own: one order's failure must not hold back the others.
      handle: (messages) =>
        Promise.all(
          messages.map((message) =>
            handle(message).catch((error: unknown): Disposition => ({
              kind: 'nak',
              reason: String(error),
            })),
          ),
        ),
      logger: this.logger,
    });
    this.runners.push(runner);
  }
}
