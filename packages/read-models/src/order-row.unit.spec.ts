import { randomUUID } from 'node:crypto';
import type {
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
} from '@switchyard/contracts';
import { evolveOrderRow, startsOrderRow, type OrderRow } from './order-row';
import type { CurrentOrderEvent } from '@switchyard/contracts';

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

/** Folds events from `row`, the way a batch is folded. */
function fold(row: OrderRow | undefined, events: CurrentOrderEvent[]): OrderRow | undefined {
  return events.reduce<OrderRow | undefined>(
    (current, event) => evolveOrderRow(current, event),
    row,
  );
}

/** What the upsert leaves: the written row only if its version is newer than the stored one. */
function upsert(stored: OrderRow | undefined, written: OrderRow | undefined) {
  if (!written) return stored;
  return stored && stored.version >= written.version ? stored : written;
}

describe('startsOrderRow', () => {
  it('is true for OrderPlaced only', () => {
    const orderId = randomUUID();
    expect(startsOrderRow(orderPlaced())).toBe(true);
    expect(startsOrderRow(orderConfirmed(orderId, 2))).toBe(false);
    expect(startsOrderRow(orderCancelled(orderId, 2))).toBe(false);
    expect(startsOrderRow(orderRejected(orderId, 2))).toBe(false);
  });

  // The lookup the projection skips must not matter: for every lifecycle, every
  // at-least-once log of it (a resend repeats a run of events, in order) and every batch
  // that begins with an OrderPlaced, folding the batch from nothing and upserting equals
  // folding it from the stored row.
  const lifecycles: ((orderId: string) => CurrentOrderEvent[])[] = [
    (id) => [orderPlaced({ aggregateId: id })],
    (id) => [orderPlaced({ aggregateId: id }), orderConfirmed(id, 2)],
    (id) => [orderPlaced({ aggregateId: id }), orderRejected(id, 2)],
    (id) => [orderPlaced({ aggregateId: id }), orderCancelled(id, 2)],
    (id) => [orderPlaced({ aggregateId: id }), orderConfirmed(id, 2), orderCancelled(id, 3)],
  ];

  it.each(lifecycles.map((lifecycle, index) => [index, lifecycle] as const))(
    'lifecycle %i: a batch starting at an OrderPlaced needs no stored row',
    (_index, lifecycle) => {
      const history = lifecycle(randomUUID());
      // Every log "history[0..i] then history[j..]" with j <= i: events j..i sent twice.
      const logs: CurrentOrderEvent[][] = [history];
      for (let i = 0; i < history.length; i++)
        for (let j = 0; j <= i; j++) logs.push([...history.slice(0, i + 1), ...history.slice(j)]);
      let checked = 0;
      for (const log of logs) {
        for (let start = 0; start < log.length; start++) {
          if (!startsOrderRow(log[start]!)) continue;
          const stored = fold(undefined, log.slice(0, start));
          for (let end = start + 1; end <= log.length; end++) {
            const batch = log.slice(start, end);
            expect(upsert(stored, fold(undefined, batch))).toEqual(fold(stored, batch));
            checked += 1;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    },
  );
});
