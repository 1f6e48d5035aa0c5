import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CurrentOrderEvent } from '@switchyard/contracts';
import { ConcurrencyConflictError, OrderEventStore } from '../event-store/order-event-store';
import { decide, evolve, type OrderCommand, type OrderState } from './order';

/** Attempts of one command against a stream that keeps moving under it. */
const MAX_ATTEMPTS = 5;

export interface CommandResult {
  /** The order after the command: what the notifier and the caller need (region, ending). */
  state: OrderState;
  /** What this call appended; empty when the order had already ended. */
  appended: CurrentOrderEvent[];
}

/**
 * ### One path for every command on an existing order: load, decide, append.
 *
 * In the style of Emmett's `handleCommand`: read the order's stream once and fold it
 * (`OrderEventStore.load`), decide purely (ids and the clock passed in), append with the
 * expected last subject sequence. If another writer got there first (the deadline's
 * cancel racing the saga's confirm), that is the one retry policy: load again and decide
 * on the fresh state, which then usually sees the order ended and appends nothing.
 *
 * The message id is `<orderId>:<version>`: a retried step within the duplicate window is
 * stored once even before the sequence check. JetStream checks `Nats-Msg-Id` first, so
 * another writer's *different* event at this version comes back as a duplicate ack, not
 * a conflict: a lost race too.
 */
@Injectable()
export class OrderCommandHandler {
  constructor(private readonly store: OrderEventStore) {}

  async handle(orderId: string, command: OrderCommand): Promise<CommandResult> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { state, sequence } = await this.store.load(orderId);
      const events = decide(command, state, { eventId: randomUUID(), now: new Date() });
      if (events.length === 0) return { state, appended: [] };
      try {
        // One event per command today; a decider that returns more appends them in turn.
        let expectedLastSequence = sequence;
        for (const event of events) {
          const { stored, sequence: storedAt } = await this.store.append(event, {
            expectedLastSequence,
            messageId: `${orderId}:${event.aggregateVersion}`,
          });
          if (stored.eventId !== event.eventId)
            throw new ConcurrencyConflictError(orderId, expectedLastSequence);
          expectedLastSequence = storedAt;
        }
        return { state: events.reduce(evolve, state), appended: events };
      } catch (error) {
        if (!(error instanceof ConcurrencyConflictError)) throw error;
      }
    }
    throw new Error(
      `order ${orderId} kept changing under ${command.type} (${MAX_ATTEMPTS} attempts); giving up this delivery`,
    );
  }
}
