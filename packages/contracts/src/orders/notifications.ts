import { z } from 'zod';
import { OrderEventTypes, type OrderEvent } from './events';
import { RegionSchema } from './order-line';
import { OrderStatusSchema } from './place-order';

/**
 * ### Order notifications: core NATS, at-most-once, for live views only
 *
 * After an order event is stored in JetStream, the orders service also publishes a small
 * notification on `notify.orders.<region>.<event>` (see `topology().nats.subjects`). Nobody
 * may rely on receiving it: a subscriber that is offline, slow or reconnecting simply misses
 * it. Whoever must not miss an event reads the stream (JetStream) or the log (Kafka).
 *
 * The `<event>` token is the past-tense event without the `Order` prefix, lower case, so a
 * listener can cut the subject space with wildcards:
 * - `notify.orders.eu-west.*` — everything that happens to orders in one region;
 * - `notify.orders.*.cancelled` — cancellations everywhere;
 * - `notify.orders.>` — everything.
 */
export const OrderNotificationEvents = {
  [OrderEventTypes.OrderPlaced]: 'placed',
  [OrderEventTypes.OrderConfirmed]: 'confirmed',
  [OrderEventTypes.OrderCancelled]: 'cancelled',
  [OrderEventTypes.OrderRejected]: 'rejected',
} as const;

export const OrderNotificationEventSchema = z.enum([
  'placed',
  'confirmed',
  'cancelled',
  'rejected',
]);
export type OrderNotificationEvent = z.infer<typeof OrderNotificationEventSchema>;

/** A notification's payload: enough for a live feed, never the source of truth. */
export const OrderNotificationSchema = z.object({
  event: OrderNotificationEventSchema,
  orderId: z.uuid(),
  region: RegionSchema,
  /** The order's status after this event, as the read model will show it. */
  status: OrderStatusSchema,
  /** The id of the stored JetStream event this notification announces. */
  eventId: z.uuid(),
  /** The order's version after this event (1 = placed). */
  version: z.int().positive(),
  occurredAt: z.iso.datetime(),
  /** Why the order was cancelled or rejected. */
  reason: z.string().max(200).optional(),
});
export type OrderNotification = z.infer<typeof OrderNotificationSchema>;

const STATUS_AFTER = {
  placed: 'PLACED',
  confirmed: 'CONFIRMED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
} as const satisfies Record<OrderNotificationEvent, OrderNotification['status']>;

/**
 * The notification for a stored order event. `region` comes from the order's
 * `OrderPlaced` (later events do not repeat it).
 */
export function toOrderNotification(event: OrderEvent, region: string): OrderNotification {
  const name = OrderNotificationEvents[event.type];
  return {
    event: name,
    orderId: event.aggregateId,
    region,
    status: STATUS_AFTER[name],
    eventId: event.eventId,
    version: event.aggregateVersion,
    occurredAt: event.occurredAt,
    ...('reason' in event.data ? { reason: event.data.reason } : {}),
  };
}
