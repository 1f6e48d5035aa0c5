import { z } from 'zod';
import { OrderStatusSchema } from './place-order';

/**
 * `GetOrderStatus`: the order's status as the write side knows it, from its JetStream
 * stream. Strongly consistent, unlike `GetOrder` (the read model, which follows a moment
 * later): what an operator asks while an order seems stuck.
 */
export const GetOrderStatusQuerySchema = z.strictObject({ orderId: z.uuid() });
export type GetOrderStatusQuery = z.infer<typeof GetOrderStatusQuerySchema>;

export const GetOrderStatusReplySchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    orderId: z.uuid(),
    status: OrderStatusSchema,
    /** Events stored for the order (1 = placed). */
    version: z.int().positive(),
  }),
  z.object({ found: z.literal(false), orderId: z.uuid() }),
]);
export type GetOrderStatusReply = z.infer<typeof GetOrderStatusReplySchema>;
