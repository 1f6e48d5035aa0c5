import { randomUUID } from 'node:crypto';
import type { ConsumedRecord } from '@switchyard/messaging';
import { MemoryOrderTables } from './__tests__/memory-order-tables';
import { applyOrderRecords } from './orders-projection';

let offset = 0;
function record(event: Record<string, unknown> | string): ConsumedRecord {
  offset += 1;
  return {
    topic: 'orders',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)),
    headers: {},
    timestamp: '0',
  };
}

function envelope(orderId: string, aggregateVersion: number, type: string, schemaVersion: number) {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion,
    occurredAt: '2026-11-26T10:00:00.000Z',
    aggregateId: orderId,
    aggregateVersion,
    correlationId: 'corr-1',
    causationId: null,
    headers: {},
  };
}

const placedV1 = (orderId: string) => ({
  ...envelope(orderId, 1, 'OrderPlaced', 1),
  data: {
    orderId,
    customerId: 'c-1',
    region: 'eu-west',
    items: [
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 2 },
    ],
  },
});

const confirmedV1 = (orderId: string, version = 2) => ({
  ...envelope(orderId, version, 'OrderConfirmed', 1),
  data: { orderId },
});
const cancelledV1 = (orderId: string, version: number) => ({
  ...envelope(orderId, version, 'OrderCancelled', 1),
  data: { orderId, reason: 'out of stock' },
});

describe('applyOrderRecords', () => {
  it('given an old OrderPlaced v1 and its confirmation in one batch, when applied, then one row is upserted, CONFIRMED, with the v1 lines', async () => {
    const orderId = randomUUID();
    const tables = new MemoryOrderTables();

    const result = await applyOrderRecords(
      tables,
      [record(placedV1(orderId)), record(confirmedV1(orderId))],
      0,
    );

    expect(result).toEqual({
      applied: 1,
      poison: [],
      parked: [],
      released: [],
      parkedInPartition: 0,
    });
    expect(tables.upserts).toEqual([
      [
        expect.objectContaining({
          orderId,
          status: 'CONFIRMED',
          version: 2,
          items: [
            { sku: 'A', quantity: 1 },
            { sku: 'B', quantity: 2 },
          ],
        }),
      ],
    ]);
  });

  it('given a stored PLACED row, when OrderCancelled arrives, then the row is upserted CANCELLED', async () => {
    const orderId = randomUUID();
    const tables = new MemoryOrderTables();
    await applyOrderRecords(tables, [record(placedV1(orderId))], 0);

    await applyOrderRecords(tables, [record(cancelledV1(orderId, 2))], 0);

    expect(tables.stored.get(orderId)).toMatchObject({ status: 'CANCELLED', version: 2 });
  });

  it('given records no version of the contracts can read, when applied, then each is poison with its reason and the rest still applies', async () => {
    const orderId = randomUUID();
    const tables = new MemoryOrderTables();

    const result = await applyOrderRecords(
      tables,
      [
        record('{not json'),
        record({ ...placedV1(randomUUID()), schemaVersion: 9 }),
        record({ ...envelope(randomUUID(), 1, 'OrderShipped', 1), data: {} }),
        record(placedV1(orderId)),
      ],
      0,
    );

    expect(result.applied).toBe(1);
    expect(result.poison.map((poison) => poison.reason)).toEqual([
      'value is not JSON',
      expect.stringContaining('unknown schemaVersion 9 for OrderPlaced'),
      expect.stringContaining('unknown order event type "OrderShipped"'),
    ]);
    expect(tables.upserts[0]).toEqual([expect.objectContaining({ orderId, status: 'PLACED' })]);
  });

  it("given a batch of new orders and one follow-up, when applied, then only the follow-up's order is looked up, and no held events (none in the partition)", async () => {
    const newOrder = randomUUID();
    const stored = randomUUID();
    const tables = new MemoryOrderTables();
    await applyOrderRecords(tables, [record(placedV1(stored))], 0);
    tables.rowLookups.length = 0;

    await applyOrderRecords(
      tables,
      [record(placedV1(newOrder)), record(confirmedV1(newOrder)), record(confirmedV1(stored))],
      0,
    );

    expect(tables.rowLookups).toEqual([[stored]]);
    expect(tables.parkedLookups).toEqual([]);
    expect(tables.upserts.at(-1)).toEqual([
      expect.objectContaining({ orderId: newOrder, status: 'CONFIRMED', version: 2 }),
      expect.objectContaining({ orderId: stored, status: 'CONFIRMED', version: 2 }),
    ]);
  });

  it('given a batch that only places orders, when applied, then nothing is looked up', async () => {
    const tables = new MemoryOrderTables();

    const result = await applyOrderRecords(
      tables,
      [record(placedV1(randomUUID())), record(placedV1(randomUUID()))],
      0,
    );

    expect(result.applied).toBe(2);
    expect(tables.rowLookups).toEqual([]);
  });

  it('given OrderConfirmed in one batch and its OrderPlaced in the next, when applied, then it is held (no-row) and released: CONFIRMED at version 2', async () => {
    const orderId = randomUUID();
    const tables = new MemoryOrderTables();
    const confirmed = record(confirmedV1(orderId));

    const first = await applyOrderRecords(tables, [confirmed], 0);

    expect(first).toMatchObject({ applied: 0, parkedInPartition: 1 });
    expect(first.parked).toEqual([
      expect.objectContaining({ reason: 'no-row', offset: confirmed.offset, partition: 0 }),
    ]);
    expect(tables.stored.has(orderId)).toBe(false);

    const second = await applyOrderRecords(tables, [record(placedV1(orderId))], 1);

    expect(second).toMatchObject({ applied: 1, parked: [], parkedInPartition: 0 });
    expect(second.released).toHaveLength(1);
    expect(tables.stored.get(orderId)).toMatchObject({ status: 'CONFIRMED', version: 2 });
    expect(tables.held.size).toBe(0);
  });

  it('given a stored row at version 1, when version 3 arrives, then it is held (version-gap) until version 2 arrives', async () => {
    const orderId = randomUUID();
    const tables = new MemoryOrderTables();
    await applyOrderRecords(tables, [record(placedV1(orderId))], 0);

    const gap = await applyOrderRecords(tables, [record(cancelledV1(orderId, 3))], 0);
    expect(gap.parked).toEqual([expect.objectContaining({ reason: 'version-gap' })]);
    expect(tables.stored.get(orderId)).toMatchObject({ status: 'PLACED', version: 1 });

    await applyOrderRecords(tables, [record(confirmedV1(orderId, 2))], gap.parkedInPartition);
    expect(tables.stored.get(orderId)).toMatchObject({ status: 'CANCELLED', version: 3 });
    expect(tables.held.size).toBe(0);
  });

  it('given a stored row at version 2, when a resend brings OrderPlaced again and then version 3, then the skipped lookup is made after all and nothing is held', async () => {
    const orderId = randomUUID();
    const tables = new MemoryOrderTables();
    const placed = placedV1(orderId);
    await applyOrderRecords(tables, [record(placed), record(confirmedV1(orderId))], 0);

    // Folded from nothing, v3 after v1 looks like a gap; the stored row says it is next.
    const result = await applyOrderRecords(
      tables,
      [record(placed), record(cancelledV1(orderId, 3))],
      0,
    );

    expect(result.parked).toEqual([]);
    expect(tables.rowLookups).toEqual([[orderId]]);
    expect(tables.stored.get(orderId)).toMatchObject({ status: 'CANCELLED', version: 3 });
  });
});
