import { z } from 'zod';
import { OrderLineSchema, RegionSchema } from './order-line';

/** An `Idempotency-Key` header value: 1–255 visible ASCII characters. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1-255 visible ASCII characters');

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
  /**
   * The client's `Idempotency-Key`, if it sent one: every request with the same key gets
   * the order the first one created, for as long as the key is remembered (a day), far
   * beyond JetStream's duplicate window.
   */
  idempotencyKey: IdempotencyKeySchema.optional(),
});
export type PlaceOrderCommand = z.infer<typeof PlaceOrderCommandSchema>;

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
