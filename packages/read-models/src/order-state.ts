import type { CurrentOrderEvent } from '@switchyard/contracts';
import { evolveOrderRow, startsOrderRow, type OrderRow } from './order-row';

/** An event and where it sits in the log (kept with it while it is held). */
export interface LoggedEvent {
  event: CurrentOrderEvent;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Why an event cannot be applied yet:
 * - `no-row`: a follow-up (`OrderConfirmed`, …) of an order whose `OrderPlaced` has not
 *   been applied;
 * - `version-gap`: the row is at version n and the event is at n + 2 or later: n + 1 is
 *   missing, and applying past it would record a history that skipped an event.
 */
export const HOLD_REASONS = ['no-row', 'version-gap'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/**
 * One order as the projection knows it: its row (if any) and the events it holds because
 * they cannot be applied yet, in ascending `aggregateVersion`, one per version.
 */
export interface OrderState {
  row: OrderRow | undefined;
  held: LoggedEvent[];
}

export const emptyOrderState = (): OrderState => ({ row: undefined, held: [] });

/**
 * Where `event` stands against `row`: `'duplicate'` (at or below the row's version:
 * Kafka is at-least-once, and a bridge restarted between the Kafka ack and the JetStream
 * ack sends an event twice), a `HoldReason`, or `'next'`: the event the row expects.
 */
export function placeOf(
  row: OrderRow | undefined,
  event: CurrentOrderEvent,
): 'duplicate' | 'next' | HoldReason {
  if (!row) return startsOrderRow(event) ? 'next' : 'no-row';
  if (event.aggregateVersion <= row.version) return 'duplicate';
  return event.aggregateVersion === row.version + 1 ? 'next' : 'version-gap';
}

/**
 * ### The fold: an order's state after one more event from the log. Nothing is dropped.
 *
 * - A duplicate changes nothing.
 * - An event that is not next in line (`placeOf`) is *held*: kept, with its place in
 *   the log, until its predecessor arrives. (A second copy of a held version is a
 *   duplicate: the first stays.) Every event of one order shares a Kafka key, so its
 *   partition and order; an event still arrives ahead of its predecessor when the log
 *   itself has them out of order (a producer that resent only the later one, a record
 *   deleted or written by hand) — the projection shows the order as far as its history
 *   is complete, and says what it holds, instead of skipping.
 * - The next event is applied (`evolveOrderRow`); then every held event that is now next
 *   is applied too, in version order, and held copies the row has passed are let go.
 *
 * Pure and order-insensitive in its outcome: for any arrival order of an order's events,
 * with any duplicates, the final state is the in-order one (`order-row.unit.spec.ts`).
 */
export function evolveOrder(state: OrderState, logged: LoggedEvent): OrderState {
  const place = placeOf(state.row, logged.event);
  if (place === 'duplicate') return state;
  if (place !== 'next') {
    const version = logged.event.aggregateVersion;
    if (state.held.some((held) => held.event.aggregateVersion === version)) return state;
    const held = [...state.held, logged].sort(
      (a, b) => a.event.aggregateVersion - b.event.aggregateVersion,
    );
    return { row: state.row, held };
  }
  let row = evolveOrderRow(state.row, logged.event)!;
  let held = state.held;
  if (held.length === 0) return { row, held };
  for (;;) {
    held = held.filter((one) => one.event.aggregateVersion > row.version);
    const next = held[0];
    if (!next || next.event.aggregateVersion !== row.version + 1) break;
    row = evolveOrderRow(row, next.event)!;
  }
  return { row, held };
}

/** Why a state still holds events: no row yet, or a gap after the row's version. */
export function holdReasonOf(state: OrderState): HoldReason {
  return state.row ? 'version-gap' : 'no-row';
}
