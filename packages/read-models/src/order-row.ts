import {
  assertUnreachable,
  type OrderEvent,
  type OrderLine,
  type OrderView,
} from '@switchyard/contracts';

/** One row of the orders read model. */
export interface OrderRow {
  orderId: string;
  customerId: string;
  region: string;
  items: OrderLine[];
  status: OrderView['status'];
  placedAt: string;
  /** The aggregate version applied last: events at or below it are duplicates. */
  version: number;
  lastEventId: string;
}

/**
 * Pure projection step: the row after `event`. Returns the row unchanged for an event
 * it has already applied (same or lower aggregate version): Kafka is at-least-once, and
 * a bridge restarted between the Kafka ack and the JetStream ack sends an event twice.
 */
export function evolveOrderRow(row: OrderRow | undefined, event: OrderEvent): OrderRow | undefined {
  if (row && event.aggregateVersion <= row.version) return row;
  switch (event.type) {
    case 'OrderPlaced':
      return {
        orderId: event.data.orderId,
        customerId: event.data.customerId,
        region: event.data.region,
        items: event.data.items,
        status: 'PLACED',
        placedAt: event.occurredAt,
        version: event.aggregateVersion,
        lastEventId: event.eventId,
      };
    default:
      return assertUnreachable(event.type);
  }
}
