import { randomUUID } from 'node:crypto';
import type {
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
} from '@switchyard/contracts';
import type { CurrentOrderEvent } from '@switchyard/contracts';
import type { ConsumedRecord } from '@switchyard/messaging';
import { MemoryOrderTables } from './__tests__/memory-order-tables';
import { evolveOrderRow, startsOrderRow, type OrderRow } from './order-row';
import { emptyOrderState, evolveOrder, type LoggedEvent, type OrderState } from './order-state';
import { applyOrderRecords } from './orders-projection';

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
  ])(
    'given no row, when %s arrives, then evolveOrderRow has no row to change (evolveOrder holds it)',
    (_name, event) => {
      expect(evolveOrderRow(undefined, event())).toBeUndefined();
    },
  );
});

/** Folds events with `evolveOrder` from `state`; each gets a place in a one-partition log. */
function foldOrder(events: CurrentOrderEvent[], state: OrderState = emptyOrderState()): OrderState {
  return events.reduce<OrderState>(
    (current, event, index) =>
      evolveOrder(current, { event, topic: 'orders', partition: 0, offset: String(index) }),
    state,
  );
}

const versions = (held: LoggedEvent[]) => held.map((one) => one.event.aggregateVersion);

describe('evolveOrder', () => {
  it('given no row, when OrderConfirmed arrives, then it is held (no row to change) and the order has no row yet', () => {
    const placed = orderPlaced();
    const state = foldOrder([orderConfirmed(placed.aggregateId, 2)]);
    expect(state.row).toBeUndefined();
    expect(versions(state.held)).toEqual([2]);
  });

  it('given a held OrderConfirmed, when its OrderPlaced arrives, then both apply: CONFIRMED at version 2, nothing held', () => {
    const placed = orderPlaced();
    const confirmed = orderConfirmed(placed.aggregateId, 2);
    const state = foldOrder([confirmed, placed]);
    expect(state.row).toMatchObject({
      status: 'CONFIRMED',
      version: 2,
      lastEventId: confirmed.eventId,
    });
    expect(state.held).toEqual([]);
  });

  it('given a row at version 1, when version 3 arrives, then it is held (a version gap) and the row stays at 1', () => {
    const placed = orderPlaced();
    const state = foldOrder([placed, orderCancelled(placed.aggregateId, 3)]);
    expect(state.row).toMatchObject({ status: 'PLACED', version: 1 });
    expect(versions(state.held)).toEqual([3]);
  });

  it('given version 3 held after version 1, when version 2 arrives, then 2 and 3 apply in order', () => {
    const placed = orderPlaced();
    const cancelled = orderCancelled(placed.aggregateId, 3);
    const state = foldOrder([placed, cancelled, orderConfirmed(placed.aggregateId, 2)]);
    expect(state.row).toMatchObject({
      status: 'CANCELLED',
      version: 3,
      lastEventId: cancelled.eventId,
    });
    expect(state.held).toEqual([]);
  });

  it('given a held version, when a second copy of it arrives, then the first copy stays held, once', () => {
    const placed = orderPlaced();
    const confirmed = orderConfirmed(placed.aggregateId, 2);
    const state = foldOrder([confirmed, { ...confirmed }]);
    expect(state.held).toHaveLength(1);
    expect(state.held[0]!.offset).toBe('0');
  });

  it('given a row at version 2, when OrderPlaced and OrderConfirmed are redelivered, then nothing changes', () => {
    const placed = orderPlaced();
    const confirmed = orderConfirmed(placed.aggregateId, 2);
    const state = foldOrder([placed, confirmed]);
    expect(foldOrder([placed, confirmed], state)).toBe(state);
  });
});

/** Every distinct ordering of `items` (items equal by identity are not told apart). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  const seen = new Set<T>();
  const result: T[][] = [];
  items.forEach((item, index) => {
    if (seen.has(item)) return;
    seen.add(item);
    const rest = [...items.slice(0, index), ...items.slice(index + 1)];
    for (const tail of permutations(rest)) result.push([item, ...tail]);
  });
  return result;
}

/** Every way to cut `log` into consecutive non-empty batches. */
function cuts<T>(log: T[]): T[][][] {
  if (log.length <= 1) return [[log]];
  const [first, ...rest] = log;
  return cuts(rest).flatMap(([head, ...tail]) => [
    [[first!], head!, ...tail],
    [[first!, ...head!], ...tail],
  ]);
}

/** Each event once or twice: every multiset of an order's history with resends. */
function withDuplicates<T>(history: T[]): T[][] {
  return history.reduce<T[][]>(
    (logs, event) =>
      logs.flatMap((log) => [
        [...log, event],
        [...log, event, event],
      ]),
    [[]],
  );
}

function records(log: CurrentOrderEvent[]): ConsumedRecord[] {
  return log.map((event, index) => ({
    topic: 'orders',
    partition: 0,
    offset: String(index),
    key: event.aggregateId,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
    timestamp: '0',
  }));
}

/**
 * The batch path as the applier runs it (lookups skipped by `startsOrderRow`, the version
 * guard, held events stored and released), over a log cut into `batches`.
 */
async function project(batches: ConsumedRecord[][]): Promise<MemoryOrderTables> {
  const tables = new MemoryOrderTables();
  let parkedInPartition = 0;
  for (const batch of batches) {
    ({ parkedInPartition } = await applyOrderRecords(tables, batch, parkedInPartition));
  }
  expect(parkedInPartition).toBe(tables.held.size);
  return tables;
}

describe('startsOrderRow', () => {
  it('is true for OrderPlaced only', () => {
    const orderId = randomUUID();
    expect(startsOrderRow(orderPlaced())).toBe(true);
    expect(startsOrderRow(orderConfirmed(orderId, 2))).toBe(false);
    expect(startsOrderRow(orderCancelled(orderId, 2))).toBe(false);
    expect(startsOrderRow(orderRejected(orderId, 2))).toBe(false);
  });
});

describe('every ordering of a lifecycle gives the in-order row', () => {
  const lifecycles: ((orderId: string) => CurrentOrderEvent[])[] = [
    (id) => [orderPlaced({ aggregateId: id })],
    (id) => [orderPlaced({ aggregateId: id }), orderConfirmed(id, 2)],
    (id) => [orderPlaced({ aggregateId: id }), orderRejected(id, 2)],
    (id) => [orderPlaced({ aggregateId: id }), orderCancelled(id, 2)],
    (id) => [orderPlaced({ aggregateId: id }), orderConfirmed(id, 2), orderCancelled(id, 3)],
  ];

  // Every arrival order of the lifecycle's events, each event once or twice (a resend),
  // cut into batches every possible way, through the batch path with its lookup-skipping:
  // the final row is the one the in-order log gives, and nothing stays held.
  it.each(lifecycles.map((lifecycle, index) => [index, lifecycle] as const))(
    'lifecycle %i: every permutation, with duplicates, in every cut into batches',
    async (_index, lifecycle) => {
      const history = lifecycle(randomUUID());
      const inOrder = history.reduce<OrderRow | undefined>(evolveOrderRow, undefined);
      expect(foldOrder(history)).toEqual({ row: inOrder, held: [] });
      let checked = 0;
      for (const multiset of withDuplicates(history)) {
        for (const log of permutations(multiset)) {
          expect(foldOrder(log).row).toEqual(inOrder);
          const logged = records(log);
          for (const batches of cuts(logged)) {
            const tables = await project(batches);
            expect([...tables.stored.values()]).toEqual([inOrder]);
            expect(tables.held.size).toBe(0);
            checked += 1;
          }
        }
      }
      expect(checked).toBeGreaterThan(history.length);
    },
  );

  it('two orders interleaved every way, in every cut into batches', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const history = [
      orderPlaced({ aggregateId: a }),
      orderCancelled(a, 2),
      orderPlaced({ aggregateId: b }),
      orderConfirmed(b, 2),
    ];
    const expected = [a, b]
      .map((id) =>
        history
          .filter((event) => event.aggregateId === id)
          .reduce<OrderRow | undefined>(evolveOrderRow, undefined),
      )
      .sort((x, y) => x!.orderId.localeCompare(y!.orderId));
    for (const log of permutations(history)) {
      for (const batches of cuts(records(log))) {
        const tables = await project(batches);
        const rows = [...tables.stored.values()].sort((x, y) => x.orderId.localeCompare(y.orderId));
        expect(rows).toEqual(expected);
        expect(tables.held.size).toBe(0);
      }
    }
  });

  it('a follow-up whose order never arrives stays held, in every cut, with no row', async () => {
    const orphan = randomUUID();
    const log = [orderConfirmed(orphan, 2), orderPlaced(), orderCancelled(orphan, 3)];
    for (const batches of cuts(records(log))) {
      const tables = await project(batches);
      expect(tables.stored.has(orphan)).toBe(false);
      expect([...tables.held.keys()].sort()).toEqual([`${orphan}@2`, `${orphan}@3`]);
    }
  });
});
