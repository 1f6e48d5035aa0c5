import { z } from 'zod';
import { OrderLineSchema, RegionSchema } from './order-line';

/** The HTTP body of `POST /orders`. Unknown fields are rejected, not silently dropped. */
export const PlaceOrderRequestSchema = z.strictObject({
  customerId: z.string().trim().min(1).max(64),
  region: RegionSchema,
  items: z.array(OrderLineSchema).min(1).max(100),
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequestSchema>;

/**
 * The `PlaceOrder` command sent over NATS request-reply. `commandId` is chosen by the
 * sender and reused on retries: it becomes the JetStream `Nats-Msg-Id` of the resulting
 * event, so a retried command is stored once.
 */
export const PlaceOrderCommandSchema = PlaceOrderRequestSchema.extend({
  commandId: z.uuid(),
});
export type PlaceOrderCommand = z.infer<typeof PlaceOrderCommandSchema>;

/** Where an order stands: `PLACED` first, then `CONFIRMED` or `CANCELLED` (a confirmed order can still be cancelled). */
/**
 * PLACED → CONFIRMED (stock reserved, payment succeeded), PLACED → CANCELLED (payment
 * declined; stock released), PLACED → REJECTED (stock could not be reserved).
 */
export const OrderStatusSchema = z.enum(['PLACED', 'CONFIRMED', 'CANCELLED', 'REJECTED']);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const PlaceOrderReplySchema = z.object({
  orderId: z.uuid(),
  status: OrderStatusSchema,
});
export type PlaceOrderReply = z.infer<typeof PlaceOrderReplySchema>;
