import { z } from 'zod';

export const SkuSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only');

export const OrderLineSchema = z.strictObject({
  sku: SkuSchema,
  quantity: z.int().positive().max(10_000),
});

export type OrderLine = z.infer<typeof OrderLineSchema>;

/**
 * A SKU in a new order: `SkuSchema`, and usable where inventory stores it, as the tokens
 * of a KV key (`stock.<sku>`): no "." at either end or twice in a row (`SKU-1.` is not a
 * valid key, `SKU..1` an empty subject token). Such an order was accepted, stored and
 * projected, and its stock could never be reserved. Events and replies keep `SkuSchema`:
 * an order accepted before this rule must replay as it was written (ADR 0026).
 */
export const NewSkuSchema = SkuSchema.regex(
  /^[^.]+(?:\.[^.]+)*$/,
  'no "." at either end or twice in a row (a SKU is a key in inventory\'s KV bucket)',
);

/** A line of a new order (`PlaceOrder`): a `NewSkuSchema` SKU. */
export const NewOrderLineSchema = OrderLineSchema.extend({ sku: NewSkuSchema });

/**
 * A region becomes a NATS subject token (`notify.orders.<region>.placed`), so it must
 * never contain `.`, `*`, `>` or whitespace: a user-supplied token must not be able to
 * turn one subject into another (or into a wildcard).
 */
export const RegionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-"; starts with a letter');
