import { createHash } from 'node:crypto';
import type { OrderNotification, PublicOrderNotification } from '@switchyard/contracts';

/**
 * ### What anybody may see of an order notification (ADR 0034)
 *
 * Built field by field, never by deleting from the notification: a field added to
 * `OrderNotification` later stays out of the public feed until someone decides it may
 * go in.
 */
export function publicView(notification: OrderNotification): PublicOrderNotification {
  return {
    event: notification.event,
    orderRef: orderRef(notification.orderId),
    region: notification.region,
    status: notification.status,
    version: notification.version,
    occurredAt: notification.occurredAt,
  };
}

/**
 * Tells one order's events apart without naming the order. Order ids are random v4
 * UUIDs (122 random bits), so 48 bits of their hash cannot be turned back into an id.
 */
export function orderRef(orderId: string): string {
  return createHash('sha256').update(orderId).digest('hex').slice(0, 12);
}
