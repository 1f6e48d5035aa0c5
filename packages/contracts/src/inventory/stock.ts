import { z } from 'zod';
import { OrderLineSchema, SkuSchema } from '../orders/order-line';

/**
 * `ReserveStock`: hold every line of one order, or none of them. Idempotent per order:
 * a retried command gets the first answer back and reserves nothing twice.
 */
export const ReserveStockCommandSchema = z.strictObject({
  orderId: z.uuid(),
  items: z.array(OrderLineSchema).min(1).max(100),
});
export type ReserveStockCommand = z.infer<typeof ReserveStockCommandSchema>;

export const ShortageSchema = z.object({
  sku: SkuSchema,
  requested: z.int().positive(),
  available: z.int().nonnegative(),
});
export type Shortage = z.infer<typeof ShortageSchema>;

export const ReserveStockReplySchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('reserved'),
    orderId: z.uuid(),
    /** What the reserved lines cost at reservation time (the price the order pays). */
    totalCents: z.int().nonnegative(),
  }),
  z.object({
    outcome: z.literal('rejected'),
    orderId: z.uuid(),
    reason: z.enum(['insufficient-stock', 'unknown-sku']),
    shortages: z.array(ShortageSchema),
  }),
]);
export type ReserveStockReply = z.infer<typeof ReserveStockReplySchema>;

/** `ReleaseStock`: give back what an order holds (cancelled or rejected order). Idempotent. */
export const ReleaseStockCommandSchema = z.strictObject({ orderId: z.uuid() });
export type ReleaseStockCommand = z.infer<typeof ReleaseStockCommandSchema>;

export const ReleaseStockReplySchema = z.object({
  orderId: z.uuid(),
  outcome: z.enum(['released', 'nothing-to-release']),
});
export type ReleaseStockReply = z.infer<typeof ReleaseStockReplySchema>;

/** `GetStock`: units available now for one SKU. */
export const GetStockQuerySchema = z.strictObject({ sku: SkuSchema });
export type GetStockQuery = z.infer<typeof GetStockQuerySchema>;

export const GetStockReplySchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    sku: SkuSchema,
    available: z.int().nonnegative(),
    priceCents: z.int().nonnegative(),
  }),
  z.object({ found: z.literal(false), sku: SkuSchema }),
]);
export type GetStockReply = z.infer<typeof GetStockReplySchema>;

/**
 * Keys of the inventory's KV bucket that others may read (never write): the reservation
 * of one order, whose last revision is when the saga's stock step finished (the journey).
 */
export const InventoryKeys = {
  reservation: (orderId: string) => `reservation.${orderId}`,
} as const;
