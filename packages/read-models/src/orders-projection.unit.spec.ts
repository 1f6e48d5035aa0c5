import { randomUUID } from 'node:crypto';
import type { ConsumedRecord } from '@switchyard/messaging';
import type { PoolClient } from 'pg';
import type { OrderRow } from './order-row';
import { applyOrderRecords } from './orders-projection';

/**
 * A stand-in for the Postgres client: answers the one SELECT with `existing` rows and
 * captures the one upsert's rows. (The SQL itself is covered by the integration tests.)
 */
function fakeClient(existing: OrderRow[] = []) {
  const upserted: OrderRow[][] = [];
  const lookedUp: string[][] = [];
  const client = {
    query: (sql: string, params: unknown[]) => {
      if (sql.trimStart().startsWith('SELECT')) {
        lookedUp.push(params[0] as string[]);
        return Promise.resolve({ rows: existing });
      }
      const rows = JSON.parse(params[0] as string) as OrderRow[];
      upserted.push(rows);
      return Promise.resolve({ rows: [], rowCount: rows.length });
    },
  };
  return { client: client as unknown as PoolClient, upserted, lookedUp };
}

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

describe('applyOrderRecords', () => {
  it('given an old OrderPlaced v1 and its confirmation in one batch, when applied, then one row is upserted, CONFIRMED, with the v1 lines', async () => {
    const orderId = randomUUID();
    const { client, upserted } = fakeClient();

    const result = await applyOrderRecords(client, 'switchyard', 1, [
      record(placedV1(orderId)),
      record({ ...envelope(orderId, 2, 'OrderConfirmed', 1), data: { orderId } }),
    ]);

    expect(result).toEqual({ applied: 1, poison: [] });
    expect(upserted).toHaveLength(1);
    expect(upserted[0]).toEqual([
      expect.objectContaining({
        orderId,
        status: 'CONFIRMED',
        version: 2,
        items: [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 2 },
        ],
      }),
    ]);
  });

  it('given a stored PLACED row, when OrderCancelled arrives, then the row is upserted CANCELLED', async () => {
    const orderId = randomUUID();
    const { client: seedClient, upserted: placed } = fakeClient();
    await applyOrderRecords(seedClient, 'switchyard', 1, [record(placedV1(orderId))]);
    const { client, upserted } = fakeClient(placed[0]);

    await applyOrderRecords(client, 'switchyard', 1, [
      record({
        ...envelope(orderId, 2, 'OrderCancelled', 1),
        data: { orderId, reason: 'out of stock' },
      }),
    ]);

    expect(upserted[0]).toEqual([expect.objectContaining({ status: 'CANCELLED', version: 2 })]);
  });

  it('given records no version of the contracts can read, when applied, then each is poison with its reason and the rest still applies', async () => {
    const orderId = randomUUID();
    const { client, upserted } = fakeClient();

    const result = await applyOrderRecords(client, 'switchyard', 1, [
      record('{not json'),
      record({ ...placedV1(randomUUID()), schemaVersion: 9 }),
      record({ ...envelope(randomUUID(), 1, 'OrderShipped', 1), data: {} }),
      record(placedV1(orderId)),
    ]);

    expect(result.applied).toBe(1);
    expect(result.poison.map((poison) => poison.reason)).toEqual([
      'value is not JSON',
      expect.stringContaining('unknown schemaVersion 9 for OrderPlaced'),
      expect.stringContaining('unknown order event type "OrderShipped"'),
    ]);
    expect(upserted[0]).toEqual([expect.objectContaining({ orderId, status: 'PLACED' })]);
  });

  it("given a batch of new orders and one follow-up, when applied, then only the follow-up's order is looked up", async () => {
    const newOrder = randomUUID();
    const stored = randomUUID();
    const { client: seedClient, upserted: placed } = fakeClient();
    await applyOrderRecords(seedClient, 'switchyard', 1, [record(placedV1(stored))]);
    const { client, lookedUp, upserted } = fakeClient(placed[0]);

    await applyOrderRecords(client, 'switchyard', 1, [
      record(placedV1(newOrder)),
      record({ ...envelope(newOrder, 2, 'OrderConfirmed', 1), data: { orderId: newOrder } }),
      record({ ...envelope(stored, 2, 'OrderConfirmed', 1), data: { orderId: stored } }),
    ]);

    expect(lookedUp).toEqual([[stored]]);
    expect(upserted[0]).toEqual([
      expect.objectContaining({ orderId: newOrder, status: 'CONFIRMED', version: 2 }),
      expect.objectContaining({ orderId: stored, status: 'CONFIRMED', version: 2 }),
    ]);
  });

  it('given a batch that only places orders, when applied, then nothing is looked up', async () => {
    const { client, lookedUp } = fakeClient();

    const result = await applyOrderRecords(client, 'switchyard', 1, [
      record(placedV1(randomUUID())),
      record(placedV1(randomUUID())),
    ]);

    expect(result.applied).toBe(2);
    expect(lookedUp).toEqual([]);
  });
});
