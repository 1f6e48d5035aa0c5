import { randomUUID } from 'node:crypto';
import type { OrderPlaced } from '@switchyard/contracts';

/** A valid `OrderPlaced` event for tests; override any field. */
export function anOrderPlaced(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  const orderId = overrides.aggregateId ?? randomUUID();
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    headers: {},
    data: { orderId, customerId: 'c-1', region: 'eu-west', items: [{ sku: 'SKU-1', quantity: 1 }] },
    ...overrides,
  };
}
