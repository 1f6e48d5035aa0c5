import { z } from 'zod';
import { EnvelopeMetadataSchema, type Envelope } from '../envelope';
import { OrderLineSchema, RegionSchema } from './order-line';

/** Wire names of order events: explicit constants, past tense, never derived from class names. */
export const OrderEventTypes = {
  OrderPlaced: 'OrderPlaced',
  OrderConfirmed: 'OrderConfirmed',
  OrderCancelled: 'OrderCancelled',
  OrderRejected: 'OrderRejected',
} as const;

// ### Payloads, one schema per (type, schemaVersion), kept forever
//
// Kafka keeps years of history, and a replay reads every version ever written. A
// payload schema is therefore never edited once events were written with it: a change
// is a new version beside the old one, plus an upcaster (see upcasters.ts).

/** `OrderPlaced` v1: the order's lines as a plain list. */
export const OrderPlacedV1Schema = z.object({
  orderId: z.uuid(),
  /**
   * Lenient on purpose: a reader of history, not the edge. `PlaceOrderRequestSchema`
   * applies the string policy (`displayableText`) to new orders; events accepted before
   * it (a zero-width space, decomposed accents, a trailing tab in a v1 event) must still
   * replay exactly as they did. Tightening this would turn old events into dead letters.
   */
  customerId: z.string().min(1),
  region: RegionSchema,
  items: z.array(OrderLineSchema).min(1),
});
export type OrderPlacedV1 = z.infer<typeof OrderPlacedV1Schema>;

/** A line of an order with a stable number, so later events can point at it. */
export const NumberedOrderLineSchema = OrderLineSchema.extend({
  lineNo: z.int().positive(),
});
export type NumberedOrderLine = z.infer<typeof NumberedOrderLineSchema>;

/**
 * `OrderPlaced` v2: every line carries a `lineNo` (1, 2, 3, ...). An array index is no
 * reference once lines can be cancelled or shipped one by one; a number given at
 * placement stays valid for the order's whole life.
 */
export const OrderPlacedV2Schema = OrderPlacedV1Schema.extend({
  items: z
    .array(NumberedOrderLineSchema)
    .min(1)
    .refine(
      (lines) => new Set(lines.map((line) => line.lineNo)).size === lines.length,
      'line numbers must be unique',
    ),
});
export type OrderPlacedV2 = z.infer<typeof OrderPlacedV2Schema>;

/** `OrderConfirmed` v1: the order was accepted (stock and payment are fine). */
export const OrderConfirmedV1Schema = z.object({
  orderId: z.uuid(),
  /** When the business confirmed it, if that differs from the event's `occurredAt`. */
  confirmedAt: z.iso.datetime().optional(),
});
export type OrderConfirmedV1 = z.infer<typeof OrderConfirmedV1Schema>;

/** `OrderCancelled` v1: the order will not be fulfilled. */
export const OrderCancelledV1Schema = z.object({
  orderId: z.uuid(),
  reason: z.string().min(1).max(200),
});
export type OrderCancelledV1 = z.infer<typeof OrderCancelledV1Schema>;

/** The order could never be served (stock short, unknown SKU): nothing was reserved or paid. */
export const OrderRejectedV1Schema = z.object({
  orderId: z.uuid(),
  reason: z.string().min(1).max(200),
});
export type OrderRejectedV1 = z.infer<typeof OrderRejectedV1Schema>;

// ### Envelopes: the payload schema is chosen by (type, schemaVersion)

export const OrderPlacedV1EnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(OrderEventTypes.OrderPlaced),
  schemaVersion: z.literal(1),
  data: OrderPlacedV1Schema,
});
export const OrderPlacedV2EnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(OrderEventTypes.OrderPlaced),
  schemaVersion: z.literal(2),
  data: OrderPlacedV2Schema,
});
export const OrderConfirmedV1EnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(OrderEventTypes.OrderConfirmed),
  schemaVersion: z.literal(1),
  data: OrderConfirmedV1Schema,
});
export const OrderCancelledV1EnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(OrderEventTypes.OrderCancelled),
  schemaVersion: z.literal(1),
  data: OrderCancelledV1Schema,
});
export const OrderRejectedV1EnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(OrderEventTypes.OrderRejected),
  schemaVersion: z.literal(1),
  data: OrderRejectedV1Schema,
});

type Versioned<TType extends string, TVersion extends number, TData> = Envelope<TType, TData> & {
  schemaVersion: TVersion;
};

// ### Event types: the plain name is the current version, older ones carry their number
//
// When `OrderPlaced` v3 arrives, today's `OrderPlaced` becomes `OrderPlacedV2Event`,
// `OrderPlaced` moves to v3, and the compiler points at every place that must follow.

export type OrderPlacedV1Event = Versioned<'OrderPlaced', 1, OrderPlacedV1>;
export type OrderPlaced = Versioned<'OrderPlaced', 2, OrderPlacedV2>;
export type OrderConfirmed = Versioned<'OrderConfirmed', 1, OrderConfirmedV1>;
export type OrderCancelled = Versioned<'OrderCancelled', 1, OrderCancelledV1>;
export type OrderRejected = Versioned<'OrderRejected', 1, OrderRejectedV1>;

/**
 * ### Every order event of every version: what the stores and the log carry.
 *
 * A discriminated union on `type` whose `OrderPlaced` branch is itself discriminated
 * on `schemaVersion`: zod picks the one payload schema by (type, version) and reports
 * errors against it, instead of against every version at once. Stores and transports
 * (the event store, the bridge) pass events on as written; whoever interprets them
 * (a projection) calls `upcastOrderEvent` first and gets a `CurrentOrderEvent`.
 */
export const OrderEventSchema = z.discriminatedUnion('type', [
  z.discriminatedUnion('schemaVersion', [OrderPlacedV1EnvelopeSchema, OrderPlacedV2EnvelopeSchema]),
  OrderConfirmedV1EnvelopeSchema,
  OrderCancelledV1EnvelopeSchema,
  OrderRejectedV1EnvelopeSchema,
]);
export type OrderEvent = z.infer<typeof OrderEventSchema>;

/**
 * Every order event in its current version: the only shapes business code and
 * projections handle. Every `switch` over `CurrentOrderEvent['type']` ends in
 * `assertUnreachable`, so a new event type makes the compiler list each place that
 * must learn it.
 */
export const CurrentOrderEventSchema = z.discriminatedUnion('type', [
  OrderPlacedV2EnvelopeSchema,
  OrderConfirmedV1EnvelopeSchema,
  OrderCancelledV1EnvelopeSchema,
  OrderRejectedV1EnvelopeSchema,
]);
export type CurrentOrderEvent = OrderPlaced | OrderConfirmed | OrderCancelled | OrderRejected;

/** Exhaustiveness check for switches over discriminated unions. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
