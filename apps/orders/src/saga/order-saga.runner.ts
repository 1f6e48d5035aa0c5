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
  withJetStreamSpan,
  type PullConsumerRunner,
  type Disposition,
} from '@switchyard/messaging';
import {
  ConsumerMonitor,
  ConsumerRegistry,
  JETSTREAM,
  JETSTREAM_MANAGER,
} from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import { OrderDeadlineHandler } from './order-deadline.handler';
import { OrderSagaHandlers } from './order-saga.handlers';

interface SagaConsumer {
  stream: string;
  durable: string;
  filterSubject: string;
  deadLetterSubject: string;
  /** Its twin on `redrive.<source>` (stream REDRIVES): where its dead letters come back. */
  redrive: { stream: string; durable: string; filterSubject: string };
}

function parseJson(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}

/**
 * Runs the saga's durable pull consumers: order events (to react to `OrderPlaced`),
 * payment outcomes, and the order deadline (`OrderPlaced` again, as a timer). Every
 * orders instance joins all of them, so the saga scales with them.
 * A step that fails (inventory unreachable, a conflict) is nak'ed and retried with
 * backoff; after `SAGA_MAX_DELIVER` deliveries it goes to a dead letter with the reason.
 * Each consumer has a twin on `redrive.<source>` with the same handler: `npm run redrive`
 * brings its dead letters back there, never into the event log they were read from.
 */
@Injectable()
export class OrderSagaRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderSagaRunner.name);
  private readonly runners: PullConsumerRunner[] = [];

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly handlers: OrderSagaHandlers,
    private readonly deadlines: OrderDeadlineHandler,
    private readonly control: ConsumerRegistry,
    private readonly monitor: ConsumerMonitor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { streams, consumers } = TOPOLOGY.nats;
    const declared = { replicas: config.JETSTREAM_REPLICAS, logger: this.logger };
    await ensureStream(this.jsm, streams.paymentEvents, declared);
    await ensureStream(this.jsm, streams.payments, declared);
    await ensureStream(this.jsm, streams.deadLetters, declared);
    await ensureStream(this.jsm, streams.redrives, declared);
    await this.run(consumers.ordersSaga, (message) => this.onOrderEvent(message));
    await this.run(consumers.ordersPaymentOutcomes, (message) => this.onPaymentOutcome(message));
    await this.run(consumers.ordersDeadlines, (message) => this.onDeadline(message), {
      // Every open order is one unacked (nak'ed, waiting) message of this consumer.
      maxAckPending: config.ORDERS_DEADLINE_MAX_PENDING,
      // "Not due yet" naks count as deliveries too: one normally (nak until due), a few
      // more if the server restarts meanwhile. Leave the failure retries their full budget.
      maxDeliver: config.SAGA_MAX_DELIVER + 10,
    });
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
    return this.handlers.onPaymentOutcome(parsed.data);
  }

  private async onDeadline(message: JsMsg): Promise<Disposition> {
    const parsed = upcastOrderEvent(parseJson(message));
    if (!parsed.ok) return { kind: 'dead-letter', reason: parsed.reason };
    // Only OrderPlaced starts a timer; the order's later events are acked at once.
    if (parsed.event.type !== OrderEventTypes.OrderPlaced) return { kind: 'ack' };
    return this.deadlines.onOrderPlaced(parsed.event);
  }

  /** Starts the consumer and its redrive twin (same handler, same dead-letter subject). */
  private async run(
    consumer: SagaConsumer,
    handle: (message: JsMsg) => Promise<Disposition>,
    limits: { maxDeliver?: number; maxAckPending?: number } = {},
  ): Promise<void> {
    await this.start(consumer, handle, limits);
    await this.start(
      { ...consumer.redrive, deadLetterSubject: consumer.deadLetterSubject },
      handle,
      limits,
    );
  }

  private async start(
    consumer: { stream: string; durable: string; filterSubject: string; deadLetterSubject: string },
    handle: (message: JsMsg) => Promise<Disposition>,
    limits: { maxDeliver?: number; maxAckPending?: number },
  ): Promise<void> {
    const runner = await startDurableWorker(this.js, this.jsm, {
      stream: consumer.stream,
      durable: consumer.durable,
      filterSubject: consumer.filterSubject,
      maxDeliver: limits.maxDeliver ?? config.SAGA_MAX_DELIVER,
      maxAckPending: limits.maxAckPending,
      ackWaitMs: config.SAGA_ACK_WAIT_MS,
      deadLetterSubject: consumer.deadLetterSubject,
      batchSize: 20,
      // Each message on its own: one order's failure must not hold back the others.
      handle: (messages) =>
        Promise.all(
          messages.map((message) =>
            // One `process` span per message, in the trace of whoever published it.
            withJetStreamSpan(message, { durable: consumer.durable }, () => handle(message)).catch(
              (error: unknown): Disposition => ({
                kind: 'nak',
                reason: String(error),
              }),
            ),
          ),
        ),
      logger: this.logger,
      observer: this.monitor.jetStream(this.jsm, consumer.stream, consumer.durable),
    });
    this.runners.push(runner);
    this.control.register(runner);
  }
}
