import {
  OrderEventTypes,
  type OrderEvent,
  type OrderLine,
  type OrderPlaced,
  type OrderPlacedV1Event,
} from '@switchyard/contracts';
import { SeededRandom } from './random';

export interface GeneratorOptions {
  /** Total events to generate, exactly. */
  events: number;
  /** Orders they belong to: each order gets 1 to 3 events, so orders ≤ events ≤ 3 × orders. */
  orders: number;
  /** Fraction of `OrderPlaced` written in the old v1 shape, so replays exercise upcasting. */
  v1Share: number;
  seed: number;
  /** When the first order is placed; later events follow it in time. */
  start: Date;
}

const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'] as const;
const CANCEL_REASONS = [
  'customer changed their mind',
  'payment declined',
  'out of stock',
  'duplicate order',
] as const;
/** Consecutive orders are placed this far apart (1 ms: ~1,000 orders/s). */
const PLACE_EVERY_MS = 1;
/** A confirmation comes within a minute of the placement, a cancellation within 10 minutes after. */
const CONFIRM_WITHIN_MS = 60_000;
const CANCEL_WITHIN_MS = 600_000;
const MAX_FOLLOW_UP_MS = CONFIRM_WITHIN_MS + CANCEL_WITHIN_MS;
/** Orders are generated this many at a time, and their events interleaved (see below). */
const WAVE = 1_000;

/**
 * The default `start`: early enough that the last event is not after `now`. Kafka 4
 * rejects records stamped more than `log.message.timestamp.after.max.ms` (1 h by
 * default) in the future, and time-based retention (7 days by default) deletes records
 * by their timestamps, so seeded history ends now rather than starting now.
 */
export function defaultStart(orders: number, now = new Date()): Date {
  return new Date(now.getTime() - orders * PLACE_EVERY_MS - MAX_FOLLOW_UP_MS);
}

/** Checks the counts before anything is written; returns the problem, if any. */
export function checkCounts({ events, orders }: Pick<GeneratorOptions, 'events' | 'orders'>) {
  if (orders > events) return `--orders (${orders}) cannot exceed --events (${events})`;
  if (events > 3 * orders) {
    return `--events (${events}) cannot exceed 3 × --orders (${orders}): an order has at most 3 events`;
  }
  return undefined;
}

/**
 * ### Synthetic but valid order lifecycles, streamed
 *
 * Every order gets `OrderPlaced` (v1 or v2), then usually `OrderConfirmed` or
 * `OrderCancelled`, sometimes both (confirmed, then cancelled), each with the next
 * `aggregateVersion`. Exactly `events` events come out, nothing is held but the
 * current wave of `WAVE` orders: memory stays flat whether you ask for 3,000 events
 * or 10 million.
 *
 * Events of one wave are interleaved (every order's first event, then every second
 * one, ...) so each batch sent to Kafka spans many orders and so every partition,
 * while each order's own events still come out in version order: one producer, sends
 * awaited one after another, so Kafka keeps that order within the key's partition.
 */
export function* generateOrderEvents(options: GeneratorOptions): Generator<OrderEvent> {
  const problem = checkCounts(options);
  if (problem) throw new Error(problem);
  const random = new SeededRandom(options.seed);
  let extrasLeft = options.events - options.orders;
  for (let first = 0; first < options.orders; first += WAVE) {
    const wave: OrderEvent[][] = [];
    for (let index = first; index < Math.min(first + WAVE, options.orders); index += 1) {
      const extras = drawExtras(random, extrasLeft, options.orders - index);
      extrasLeft -= extras;
      wave.push(lifecycle(random, options, index, extras));
    }
    for (let step = 0; step < 3; step += 1) {
      for (const events of wave) {
        const event = events[step];
        if (event) yield event;
      }
    }
  }
}

/**
 * How many events after `OrderPlaced` (0, 1 or 2) this order gets. Binomial(2, q) with
 * the mean the remaining budget needs, so lifecycles vary (a 1:1 mix gives 25 % one
 * event, 50 % two, 25 % three), clamped so the total comes out exact.
 */
function drawExtras(random: SeededRandom, extrasLeft: number, ordersLeft: number): number {
  const q = Math.min(1, extrasLeft / ordersLeft / 2);
  const drawn = (random.chance(q) ? 1 : 0) + (random.chance(q) ? 1 : 0);
  const min = Math.max(0, extrasLeft - 2 * (ordersLeft - 1));
  return Math.min(Math.max(drawn, min), Math.min(2, extrasLeft));
}

function lifecycle(
  random: SeededRandom,
  options: GeneratorOptions,
  index: number,
  extras: number,
): OrderEvent[] {
  const orderId = random.uuid();
  const correlationId = random.uuid();
  let at = options.start.getTime() + index * PLACE_EVERY_MS;
  const envelope = (aggregateVersion: number, causationId: string) => ({
    eventId: random.uuid(),
    occurredAt: new Date(at).toISOString(),
    aggregateId: orderId,
    aggregateVersion,
    correlationId,
    causationId,
    headers: {},
  });

  const lines: OrderLine[] = Array.from({ length: random.int(1, 4) }, () => ({
    sku: `SKU-${random.int(1, 5_000)}`,
    quantity: random.int(1, 5),
  }));
  const placedData = {
    orderId,
    customerId: `c-${random.int(1, 50_000)}`,
    region: random.pick(REGIONS),
  };
  // The causing command's id, as the orders service would record it.
  const commandId = random.uuid();
  const placed: OrderPlaced | OrderPlacedV1Event = random.chance(options.v1Share)
    ? {
        ...envelope(1, commandId),
        type: OrderEventTypes.OrderPlaced,
        schemaVersion: 1,
        data: { ...placedData, items: lines },
      }
    : {
        ...envelope(1, commandId),
        type: OrderEventTypes.OrderPlaced,
        schemaVersion: 2,
        data: {
          ...placedData,
          items: lines.map((line, position) => ({ ...line, lineNo: position + 1 })),
        },
      };
  const events: OrderEvent[] = [placed];

  const confirms = extras === 2 || (extras === 1 && random.chance(0.8));
  if (confirms) {
    at += random.int(1_000, CONFIRM_WITHIN_MS);
    events.push({
      ...envelope(events.length + 1, events[events.length - 1]!.eventId),
      type: OrderEventTypes.OrderConfirmed,
      schemaVersion: 1,
      data: { orderId },
    });
  }
  if (events.length < extras + 1) {
    at += random.int(1_000, CANCEL_WITHIN_MS);
    events.push({
      ...envelope(events.length + 1, events[events.length - 1]!.eventId),
      type: OrderEventTypes.OrderCancelled,
      schemaVersion: 1,
      data: { orderId, reason: random.pick(CANCEL_REASONS) },
    });
  }
  return events;
}
