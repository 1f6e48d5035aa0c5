import { z } from 'zod';
import { EnvelopeMetadataSchema, type Envelope } from '../envelope';
import { OrderLineSchema, RegionSchema } from './order-line';

/** Wire names of order events: explicit constants, past tense, never derived from class names. */
export const OrderEventTypes = {
  OrderPlaced: 'OrderPlaced',
} as const;

export const OrderPlacedV1Schema = z.object({
  orderId: z.uuid(),
  customerId: z.string().min(1),
  region: RegionSchema,
  items: z.array(OrderLineSchema).min(1),
});
export type OrderPlacedV1 = z.infer<typeof OrderPlacedV1Schema>;

export const OrderPlacedEnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(OrderEventTypes.OrderPlaced),
  schemaVersion: z.literal(1),
  data: OrderPlacedV1Schema,
});
export type OrderPlaced = Envelope<typeof OrderEventTypes.OrderPlaced, OrderPlacedV1> & {
  schemaVersion: 1;
};

/**
 * Every order event, as a discriminated union on `type`. New event types (and new
 * schema versions with their upcasters) are added here, and every `switch` over
 * `OrderEvent['type']` ends in `assertUnreachable`, so the compiler lists each place
 * that must learn the new event.
 */
export const OrderEventSchema = z.discriminatedUnion('type', [OrderPlacedEnvelopeSchema]);
export type OrderEvent = z.infer<typeof OrderEventSchema>;

/** Exhaustiveness check for switches over discriminated unions. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
