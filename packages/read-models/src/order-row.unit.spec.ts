import { randomUUID } from 'node:crypto';
import type {
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
} from '@switchyard/contracts';
import { evolveOrderRow, type OrderRow } from './order-row';

const metadata = (aggregateId: string, aggregateVersion: number) => ({
  eventId: randomUUID(),
  occurredAt: '2026-11-26T10:00:00.000Z',
  aggregateId,
  aggregateVersion,
  correlationId: 'corr-1',
  causationId: null,
  headers: {},
});

function orderPlaced(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  const orderId = overrides.aggregateId ?? randomUUID();
  return {
    ...metadata(orderId, 1),
    type: 'OrderPlaced',
    schemaVersion: 2,
    data: {
      orderId,
      customerId: 'c-1',
      region: 'eu-west',
      items: [{ lineNo: 1, sku: 'SKU-1', quantity: 2 }],
    },
    ...overrides,
  };
}

function orderConfirmed(orderId: string, aggregateVersion: number): OrderConfirmed {
  return {
    ...metadata(orderId, aggregateVersion),
    type: 'OrderConfirmed',
    schemaVersion: 1,
    data: { orderId },
  };
}

function orderCancelled(orderId: string, aggregateVersion: number): OrderCancelled {
  return {
    ...metadata(orderId, aggregateVersion),
    type: 'OrderCancelled',
    schemaVersion: 1,
    data: { orderId, reason: 'customer changed their mind' },
  };
}

function orderRejected(orderId: string, aggregateVersion: number): OrderRejected {
  return {
    ...metadata(orderId, aggregateVersion),
    type: 'OrderRejected',
    schemaVersion: 1,
    data: { orderId, reason: 'insufficient stock for SKU-4' },
  };
}

function placedRow(): OrderRow {
  return evolveOrderRow(undefined, orderPlaced())!;
}

describe('evolveOrderRow', () => {
  it('given a PLACED order, when OrderRejected arrives, then it is REJECTED', () => {
    const row = placedRow();
    const event = orderRejected(row.orderId, 2);
    expect(evolveOrderRow(row, event)).toEqual({
      ...row,
      status: 'REJECTED',
      version: 2,
      lastEventId: event.eventId,
    });
  });

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

  it('given no row, when OrderPlaced arrives with lines out of number order, then the view lists them by line number', () => {
    const event = orderPlaced();
    event.data.items = [
      { lineNo: 2, sku: 'B', quantity: 1 },
      { lineNo: 1, sku: 'A', quantity: 5 },
    ];
    expect(evolveOrderRow(undefined, event)!.items).toEqual([
      { sku: 'A', quantity: 5 },
      { sku: 'B', quantity: 1 },
    ]);
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

  it('given a PLACED order, when OrderConfirmed arrives, then it is CONFIRMED at the new version and keeps its data', () => {
    const row = placedRow();
    const event = orderConfirmed(row.orderId, 2);
    expect(evolveOrderRow(row, event)).toEqual({
      ...row,
      status: 'CONFIRMED',
      version: 2,
      lastEventId: event.eventId,
    });
  });

  it('given a PLACED order, when OrderCancelled arrives, then it is CANCELLED', () => {
    const row = placedRow();
    const event = orderCancelled(row.orderId, 2);
    expect(evolveOrderRow(row, event)).toEqual({
      ...row,
      status: 'CANCELLED',
      version: 2,
      lastEventId: event.eventId,
    });
  });

  it('given a CONFIRMED order, when OrderCancelled arrives, then it is CANCELLED (the log is the judge, not the projection)', () => {
    const row = placedRow();
    const confirmed = evolveOrderRow(row, orderConfirmed(row.orderId, 2))!;
    const after = evolveOrderRow(confirmed, orderCancelled(confirmed.orderId, 3))!;
    expect(after.status).toBe('CANCELLED');
    expect(after.version).toBe(3);
  });

  it('given a CONFIRMED order at version 2, when OrderConfirmed version 2 is redelivered, then the row is unchanged', () => {
    const row = placedRow();
    const confirmed = orderConfirmed(row.orderId, 2);
    const after = evolveOrderRow(row, confirmed)!;
    expect(evolveOrderRow(after, { ...confirmed, eventId: randomUUID() })).toBe(after);
  });

  it('given a CANCELLED order at version 3, when an older OrderConfirmed (version 2) arrives late, then it stays CANCELLED', () => {
    const row = placedRow();
    const cancelled = evolveOrderRow(row, orderCancelled(row.orderId, 3))!;
    expect(evolveOrderRow(cancelled, orderConfirmed(row.orderId, 2))).toBe(cancelled);
  });

  it.each([
    ['OrderConfirmed', () => orderConfirmed(randomUUID(), 2)],
    ['OrderCancelled', () => orderCancelled(randomUUID(), 2)],
  ])('given no row, when %s arrives, then there is still no row to show', (_name, event) => {
    expect(evolveOrderRow(undefined, event())).toBeUndefined();
  });
});
