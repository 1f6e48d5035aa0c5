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
 * A region becomes a NATS subject token (`notify.orders.<region>.placed`), so it must
 * never contain `.`, `*`, `>` or whitespace: a user-supplied token must not be able to
 * turn one subject into another (or into a wildcard).
 */
export const RegionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-"; starts with a letter');
