import { z } from 'zod';
import { OrderLineSchema, RegionSchema } from './order-line';
import { OrderStatusSchema } from './place-order';

/** The `GetOrder` query, answered from the projected read model. */
export const GetOrderQuerySchema = z.strictObject({ orderId: z.uuid() });
export type GetOrderQuery = z.infer<typeof GetOrderQuerySchema>;

export const OrderViewSchema = z.object({
  orderId: z.uuid(),
  customerId: z.string(),
  region: RegionSchema,
  items: z.array(OrderLineSchema),
  status: OrderStatusSchema,
  /** ISO 8601 with an offset: the read model stores a timestamptz (`+00:00`, not `Z`). */
  placedAt: z.iso.datetime({ offset: true }),
  /** The aggregate version the read model has applied (how far the projection got). */
  version: z.int().positive(),
});
export type OrderView = z.infer<typeof OrderViewSchema>;

/** `found: false` is an answer, not an error: the order may simply not be projected yet. */
export const GetOrderReplySchema = z.discriminatedUnion('found', [
  z.object({ found: z.literal(true), order: OrderViewSchema }),
  z.object({ found: z.literal(false) }),
]);
export type GetOrderReply = z.infer<typeof GetOrderReplySchema>;
