import {
  assertUnreachable,
  OrderEventSchema,
  OrderEventTypes,
  type CurrentOrderEvent,
  type OrderEvent,
  type OrderPlaced,
  type OrderPlacedV1Event,
} from './events';
import { describeIssues } from '../problems';

/**
 * ### Upcasting: old events, today's shape
 *
 * A replay reads events written years ago, in every version ever produced. Rather than
 * teach every projection every version, each old version is translated one step up
 * (v1 → v2, later v2 → v3, ...) right after parsing, and projections only ever see
 * `CurrentOrderEvent`. An upcaster is pure and total: it must not invent facts, so a
 * value the old version lacks is either derived exactly from what it has, or filled
 * with a default whose meaning is documented here.
 */

/** Every (type, schemaVersion) this code can read; the last one is the current version. */
export const OrderEventVersions = {
  [OrderEventTypes.OrderPlaced]: [1, 2],
  [OrderEventTypes.OrderConfirmed]: [1],
  [OrderEventTypes.OrderCancelled]: [1],
  [OrderEventTypes.OrderRejected]: [1],
} as const satisfies Record<OrderEvent['type'], readonly number[]>;

/**
 * `OrderPlaced` v1 → v2: number the lines 1..n in their v1 order. Exact, not a guess:
 * JSON arrays keep their order, and no v1 event could remove or reorder a line.
 */
export function upcastOrderPlacedV1(event: OrderPlacedV1Event): OrderPlaced {
  return {
    ...event,
    schemaVersion: 2,
    data: {
      ...event.data,
      items: event.data.items.map((line, index) => ({ ...line, lineNo: index + 1 })),
    },
  };
}

/** A parsed event of any known version, brought to its current version. */
export function toCurrentOrderEvent(event: OrderEvent): CurrentOrderEvent {
  switch (event.type) {
    case OrderEventTypes.OrderPlaced:
      // Each step moves one version up; a v3 adds `upcastOrderPlacedV2` after this one.
      return event.schemaVersion === 1 ? upcastOrderPlacedV1(event) : event;
    case OrderEventTypes.OrderConfirmed:
    case OrderEventTypes.OrderCancelled:
    case OrderEventTypes.OrderRejected:
      return event;
    default:
      return assertUnreachable(event);
  }
}

export type UpcastResult = { ok: true; event: CurrentOrderEvent } | { ok: false; reason: string };

function isKnownType(type: unknown): type is keyof typeof OrderEventVersions {
  return typeof type === 'string' && Object.hasOwn(OrderEventVersions, type);
}

/**
 * Raw JSON (one Kafka record's value, one JetStream message) → the event in its current
 * version, or why it cannot be read. Checks the (type, schemaVersion) pair first so the
 * reason says what is wrong: an unknown type, a version written by newer code (deploy
 * the newer contracts before replaying), or a payload that breaks its version's schema.
 */
export function upcastOrderEvent(raw: unknown): UpcastResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'not an event envelope: expected a JSON object' };
  }
  const { type, schemaVersion } = raw as { type?: unknown; schemaVersion?: unknown };
  if (!isKnownType(type)) {
    return { ok: false, reason: `unknown order event type ${JSON.stringify(type)}` };
  }
  const known: readonly number[] = OrderEventVersions[type];
  if (typeof schemaVersion !== 'number' || !known.includes(schemaVersion)) {
    const latest = known[known.length - 1]!;
    const newer = typeof schemaVersion === 'number' && schemaVersion > latest;
    return {
      ok: false,
      reason:
        `unknown schemaVersion ${JSON.stringify(schemaVersion)} for ${type} ` +
        `(known: ${known.map((version) => `v${version}`).join(', ')})` +
        (newer ? '; written by newer code: deploy the newer contracts first' : ''),
    };
  }
  const parsed = OrderEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error).join('; ');
    return { ok: false, reason: `invalid ${type} v${schemaVersion}: ${issues}` };
  }
  return { ok: true, event: toCurrentOrderEvent(parsed.data) };
}
