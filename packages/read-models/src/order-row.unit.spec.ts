import { randomUUID } from 'node:crypto';
import type { OrderPlaced } from '@switchyard/contracts';
import { evolveOrderRow } from './order-row';

function orderPlaced(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  const orderId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    schemaVersion: 1,
    occurredAt: '2026-11-26T10:00:00.000Z',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: 'corr-1',
    causationId: null,
    headers: {},
    data: { orderId, customerId: 'c-1', region: 'eu-west', items: [{ sku: 'SKU-1', quantity: 2 }] },
    ...overrides,
  };
}

describe('evolveOrderRow', () => {
  it('given no row, when OrderPlaced arrives, then the order is PLACED with its lines', () => {
    const event = orderPlaced();
    expect(evolveOrderRow(undefined, event)).toEqual({
      orderId: event.data.orderId,
      customerId: 'c-1',
      region: 'eu-west',
      items: [{ sku: 'SKU-1', quantity: 2 }],
      status: 'PLACED',
      placedAt: '2026-11-26T10:00:00.000Z',
      version: 1,
      lastEventId: event.eventId,
    });
  });

  it('given the row already applied version 1, when the same event is redelivered, then the row is unchanged', () => {
    const event = orderPlaced();
    const row = evolveOrderRow(undefined, event)!;
    const redelivered = {
      ...event,
      eventId: randomUUID(),
      data: { ...event.data, customerId: 'someone-else' },
    };
    expect(evolveOrderRow(row, redelivered)).toBe(row);
  });
});
