import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { envelopeHeaders, OrderEventSchema, type OrderEvent } from '@switchyard/contracts';
import { ensureStream, toNatsHeaders, withProducerSpan } from '@switchyard/messaging';
import { JETSTREAM, JETSTREAM_MANAGER, PublishMetrics } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';

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
    const subject = TOPOLOGY.nats.subjects.orderEvents(event.aggregateId);
    try {
      // A PRODUCER span per append; its trace context goes in the message headers, so
      // the bridge and the saga continue this trace when they consume the event.
      const ack = await withProducerSpan(
        {
          system: 'nats',
          operation: 'publish',
          destination: subject,
          destinationTemplate: TOPOLOGY.nats.subjects.orderEvents('{orderId}'),
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

  /** The order's latest event and its stream sequence; undefined for an unknown order. */
  async last(orderId: string): Promise<{ sequence: number; event: OrderEvent } | undefined> {
    const message = await this.jsm.streams.getMessage(TOPOLOGY.nats.streams.orders.name, {
      last_by_subj: TOPOLOGY.nats.subjects.orderEvents(orderId),
    });
    return message
      ? { sequence: message.seq, event: OrderEventSchema.parse(message.json()) }
      : undefined;
  }

  /**
   * Appends the next event of an existing order. `decide` sees the latest event and
   * returns the next one (its version must be the latest's + 1), or `undefined` when
   * there is nothing left to do (a redelivered saga step that already happened).
   *
   * The append expects the sequence it read: if another writer got in between, JetStream
   * rejects it (or answers "duplicate" with the other writer's event) and we decide
   * again on fresh state. The message id is `<orderId>:<version>`,
   * so a retried step within the duplicate window is stored once even before that check.
   */
  async appendNext(
    orderId: string,
    decide: (last: OrderEvent) => OrderEvent | undefined,
  ): Promise<OrderEvent | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const last = await this.last(orderId);
      if (!last) throw new Error(`order ${orderId} has no events`);
      const next = decide(last.event);
      if (!next) return undefined;
      try {
        const { stored } = await this.append(next, {
          expectedLastSequence: last.sequence,
          messageId: `${orderId}:${next.aggregateVersion}`,
        });
        // JetStream checks `Nats-Msg-Id` before the expected sequence: if another writer
        // stored a *different* event at this version (the deadline's cancel racing the
        // saga's confirm), we get a duplicate ack, not a conflict. That is a lost race
        // too: decide again on fresh state (which will see the order ended).
        if (stored.eventId === next.eventId) return next;
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError)) throw error;
      }
    }
    throw new Error(`order ${orderId} keeps changing under the saga; giving up this delivery`);
  }

  private async read(sequence: number): Promise<OrderEvent> {
    const message = await this.jsm.streams.getMessage(TOPOLOGY.nats.streams.orders.name, {
      seq: sequence,
    });
    if (!message) throw new Error(`event at sequence ${sequence} is gone`);
    return OrderEventSchema.parse(message.json());
  }
}
