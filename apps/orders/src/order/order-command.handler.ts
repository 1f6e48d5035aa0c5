import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { upcastOrderEvent, type CurrentOrderEvent } from '@switchyard/contracts';
import { ConcurrencyConflictError, OrderEventStore } from '../event-store/order-event-store';
import { decide, evolve, initialOrderState, type OrderCommand, type OrderState } from './order';

/** Attempts of one command against a stream that keeps moving under it. */
const MAX_ATTEMPTS = 5;

export interface CommandResult {
  /**
   * The order the command acted on: the one asked for, or, for a `PlaceOrder` retried
   * with a command id stored before, the order that first attempt placed.
   */
  orderId: string;
  /** The order after the command: what the notifier and the caller need (region, ending). */
  state: OrderState;
  /** What this call appended; empty when there was nothing to do (ended, already placed). */
  appended: CurrentOrderEvent[];
}

export interface CommandOptions {
  /**
   * `Nats-Msg-Id` of the append; `<orderId>:<version>` when left out. `PlaceOrder` passes
   * its command id: a retried request gets a new order id, so only the command id tells
   * JetStream it is the same request.
   */
  messageId?: string;
  /**
   * The order id was generated for this command a moment ago, so its stream is empty:
   * the first attempt folds nothing instead of reading it (one round trip less per new
   * order). A conflict still reloads, like any other.
   */
  newStream?: boolean;
}

/**
 * ### One path for every command on an order: load, decide, append.
 *
 * In the style of Emmett's `handleCommand`: read the order's stream once and fold it
 * (`OrderEventStore.load`), decide purely (ids and the clock passed in), append with the
 * expected last subject sequence. If another writer got there first (the deadline's
 * cancel racing the saga's confirm, two requests with one Idempotency-Key), that is the
 * one retry policy: load again and decide on the fresh state, which then usually sees
 * the order ended (or placed) and appends nothing.
 *
 * The message id is `<orderId>:<version>` (or the command's own, see `CommandOptions`): a
 * retried step within the duplicate window is stored once even before the sequence
 * check. JetStream checks `Nats-Msg-Id` first, so another writer's *different* event at
 * this version comes back as a duplicate ack, not a conflict: a lost race too.
 */
@Injectable()
export class OrderCommandHandler {
  constructor(private readonly store: OrderEventStore) {}

  async handle(
    orderId: string,
    command: OrderCommand,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, sequence } =
        attempt === 1 && options.newStream
          ? { state: initialOrderState, sequence: 0 }
          : await this.store.load(orderId);
      const events = decide(command, state, { eventId: randomUUID(), now: new Date() });
      if (events.length === 0) return { orderId, state, appended: [] };
      try {
        // One event per command today; a decider that returns more appends them in turn.
        let expectedLastSequence = sequence;
        for (const event of events) {
          const { stored, sequence: storedAt } = await this.store.append(event, {
            expectedLastSequence,
            messageId: options.messageId ?? `${orderId}:${event.aggregateVersion}`,
          });
          if (stored.aggregateId !== orderId) {
            // This message id already stored an event of another order: the same
            // `PlaceOrder` request, retried within the duplicate window under a fresh
            // order id. It was done then; its order is the answer.
            const read = upcastOrderEvent(stored);
            const earlier = read.ok ? evolve(initialOrderState, read.event) : initialOrderState;
            return { orderId: stored.aggregateId, state: earlier, appended: [] };
          }
          if (stored.eventId !== event.eventId)
            throw new ConcurrencyConflictError(orderId, expectedLastSequence);
          expectedLastSequence = storedAt;
        }
        return { orderId, state: events.reduce(evolve, state), appended: events };
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError)) throw error;
      }
    }
    throw new Error(
      `order ${orderId} kept changing under ${command.type} (${MAX_ATTEMPTS} attempts); giving up this delivery`,
    );
  }
}
