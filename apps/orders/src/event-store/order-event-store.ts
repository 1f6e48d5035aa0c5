import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import {
  addressOf,
  envelopeHeaders,
  OrderEventSchema,
  publishedChannel,
  upcastOrderEvent,
  type CurrentOrderEvent,
  type OrderEvent,
} from '@switchyard/contracts';
import {
  ensureStream,
  subjectMessages,
  toNatsHeaders,
  withProducerSpan,
} from '@switchyard/messaging';
import { JETSTREAM, JETSTREAM_MANAGER, PublishMetrics } from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from '../config';

/** The write side's channel: the catalog lists orders as the producer of its events. */
const ORDER_EVENTS = publishedChannel(CATALOG, 'orders', 'orderEvents');
import { evolve, initialOrderState, type OrderState } from '../order/order';

export interface AppendOptions {
  /**
   * Optimistic concurrency: the sequence of the last event this writer saw on the
   * order's subject (0 = the order has no events yet). JetStream rejects the append if
   * another writer got there first.
   */
  expectedLastSequence: number;
  /** `Nats-Msg-Id`: the same id within the stream's duplicate window is stored once. */
  messageId: string;
}

export interface AppendResult {
  sequence: number;
  /** True when JetStream had already stored this message id: nothing new was written. */
  duplicate: boolean;
  /** The event that is stored under this message id (the earlier one on a duplicate). */
  stored: OrderEvent;
}

export class ConcurrencyConflictError extends Error {
  constructor(
    readonly subject: string,
    readonly expectedLastSequence: number,
  ) {
    super(`${subject} has moved past sequence ${expectedLastSequence}`);
    this.name = 'ConcurrencyConflictError';
  }
}

/**
 * ### The write side: order events in JetStream, one subject per order.
 *
 * The append resolves only after JetStream acknowledged it (stored on disk), so a
 * reply sent after `append` never promises something that could still be lost.
 */
@Injectable()
export class OrderEventStore implements OnModuleInit {
  private readonly logger = new Logger(OrderEventStore.name);

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    private readonly metrics: PublishMetrics,
  ) {}

  /** The orders service is the only writer of the ORDERS stream, so it declares it. */
  async onModuleInit(): Promise<void> {
    await ensureStream(this.jsm, TOPOLOGY.nats.streams.orders, {
      replicas: config.JETSTREAM_REPLICAS,
      logger: this.logger,
    });
  }

  async append(event: OrderEvent, options: AppendOptions): Promise<AppendResult> {
    const subject = addressOf(ORDER_EVENTS, { orderId: event.aggregateId });
    try {
      // A PRODUCER span per append; its trace context goes in the message headers, so
      // the bridge and the saga continue this trace when they consume the event.
      const ack = await withProducerSpan(
        {
          system: 'nats',
          operation: 'publish',
          destination: subject,
          destinationTemplate: ORDER_EVENTS.address,
          messageId: event.eventId,
        },
        envelopeHeaders(event),
        (headers) =>
          this.js.publish(subject, JSON.stringify(event), {
            msgID: options.messageId,
            expect: { lastSubjectSequence: options.expectedLastSequence },
            headers: toNatsHeaders(headers),
            timeout: 5_000,
          }),
      );
      if (!ack.duplicate) {
        this.metrics.published('jetstream', ack.stream);
        return { sequence: ack.seq, duplicate: false, stored: event };
      }
      // A retry of a command we already stored: answer with what was stored then, so
      // the caller sees the same order id both times.
      return { sequence: ack.seq, duplicate: true, stored: await this.read(ack.seq) };
    } catch (error) {
      if (
        error instanceof JetStreamApiError &&
        error.code === JetStreamApiCodes.StreamWrongLastSequence
      ) {
        throw new ConcurrencyConflictError(subject, options.expectedLastSequence);
      }
      throw error;
    }
  }

  /**
   * ### The order's stream, read once and folded into its state.
   *
   * One subject per order, so its events are the messages on `orders.events.<orderId>`.
   * The last one (a direct "last by subject" get) comes first: an order with one event
   * (the common case while it is open) costs one round trip. Otherwise the earlier events
   * are read in order (`next_by_subj`, from sequence 0 up to that last one). Old versions
   * are upcast, so `evolve` only ever sees current events. `sequence` is what the next
   * append expects (0: the order has no events).
   */
  async load(orderId: string): Promise<{ state: OrderState; sequence: number }> {
    const subject = TOPOLOGY.nats.subjects.orderEvents(orderId);
    const stream = TOPOLOGY.nats.streams.orders.name;
    const last = await this.jsm.streams.getMessage(stream, { last_by_subj: subject });
    if (!last) return { state: initialOrderState, sequence: 0 };
    const events: CurrentOrderEvent[] = [];
    const lastEvent = current(last.json());
    if (lastEvent.aggregateVersion > 1) {
      for await (const message of subjectMessages(this.jsm, stream, subject)) {
        if (message.seq >= last.seq) break;
        events.push(current(message.json()));
      }
    }
    events.push(lastEvent);
    return { state: events.reduce(evolve, initialOrderState), sequence: last.seq };
  }

  private async read(sequence: number): Promise<OrderEvent> {
    const message = await this.jsm.streams.getMessage(TOPOLOGY.nats.streams.orders.name, {
      seq: sequence,
    });
    if (!message) throw new Error(`event at sequence ${sequence} is gone`);
    return OrderEventSchema.parse(message.json());
  }
}

/** A stored order event in its current version; a stored event that cannot be read is a bug. */
function current(raw: unknown): CurrentOrderEvent {
  const result = upcastOrderEvent(raw);
  if (!result.ok) throw new Error(`unreadable event in ORDERS: ${result.reason}`);
  return result.event;
}
