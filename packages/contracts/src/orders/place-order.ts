import { z } from 'zod';
import { displayableText } from '../displayable-text';
import { NewOrderLineSchema, RegionSchema } from './order-line';

/** An `Idempotency-Key` header value: 1–255 visible ASCII characters. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, '1-255 visible ASCII characters');

/**
 * The HTTP body of `POST /orders`. Unknown fields are rejected, not silently dropped.
 *
 * Every string here must be storable and displayable everywhere downstream, so a 201 can
 * promise a readable order: `customerId` is free text under the string policy
 * (`displayableText`: trimmed, NFC, no control, bidi or invisible characters, 1-64 code
 * points), `region` and each line's `sku` are visible-ASCII identifiers (`NewSkuSchema`: also a
 * valid KV key). The orders
 * service parses the same schema (`PlaceOrderCommandSchema` extends it), so a producer
 * other than the gateway cannot bypass it.
 */
export const PlaceOrderRequestSchema = z.strictObject({
  customerId: displayableText({ max: 64 }),
  region: RegionSchema,
  items: z.array(NewOrderLineSchema).min(1).max(100),
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
