import { randomUUID } from 'node:crypto';
import { topology, type CurrentOrderEvent } from '@switchyard/contracts';
import type { ConsumedRecord } from '@switchyard/messaging';
import { anOrderPlaced, cleanupNamespace, testEnv, uniqueNamespace } from '@switchyard/testkit';
import { Pool, type PoolClient } from 'pg';
import { PartitionApplier } from './partition-applier';
import { ProjectionStore } from './projection-store';
import { ident } from './sql';

const TOPIC = 'orders';

function followUp(orderId: string, aggregateVersion: number): CurrentOrderEvent {
  return {
    eventId: randomUUID(),
    type: 'OrderConfirmed',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    aggregateId: orderId,
    aggregateVersion,
    correlationId: randomUUID(),
    causationId: null,
    headers: {},
    data: { orderId },
  };
}

/** A partition's log: each value at its offset. */
const log = (partition: number, values: unknown[]): ConsumedRecord[] =>
  values.map((value, offset) => ({
    topic: TOPIC,
    partition,
    offset: String(offset),
    key: null,
    value: Buffer.from(JSON.stringify(value)),
    headers: {},
    timestamp: '0',
  }));

/**
 * Held ("parked") events on real Postgres, through the `PartitionApplier` both the
 * projector and the rebuilder's workers run: same transaction as rows and checkpoint,
 * carried through the record-at-a-time poison path, the same rows and held events however
 * the log is cut into batches, and a parked table for versions made before there was one.
 */
describe('PartitionApplier and held events', () => {
  const namespace = uniqueNamespace('park');
  const store = new ProjectionStore(topology(namespace).postgres.schema);
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  const applier = (version: number, poison: string[] = []) =>
    new PartitionApplier({
      pool,
      store,
      target: { kind: 'fixed', version },
      deadLetter: async (records) => {
        poison.push(...records.map(({ reason }) => reason));
      },
    });
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
  const parked = (version: number) =>
    withClient(async (client) => {
      const { rows } = await client.query<{ key: string; reason: string }>(
        `SELECT order_id || '@' || aggregate_version AS key, reason
         FROM ${ident(store.schema)}.${ident(`orders_v${version}_parked`)} ORDER BY 1`,
      );
      return rows;
    });

  beforeAll(() => withClient((client) => store.initialize(client)));

  afterAll(async () => {
    await pool.end();
    await cleanupNamespace(namespace);
  });

  it('holds a follow-up in one batch and releases it in the next, with a NUL record forcing the one-record-at-a-time path in both', async () => {
    await withClient((client) => store.createVersion(client, 2));
    const poison: string[] = [];
    const apply = applier(2, poison);
    const placed = anOrderPlaced();
    const orderId = placed.aggregateId;
    const nul = anOrderPlaced();
    nul.data = { ...nul.data, customerId: 'c-\u0000' };
    const records = log(0, [followUp(orderId, 2), nul, placed, anOrderPlaced()]);

    const first = await apply.apply(records.slice(0, 2));
    expect(first).toMatchObject({ applied: 0, parkedInPartition: 1 });
    expect(first.parked.map(({ reason }) => reason)).toEqual(['no-row']);
    expect(await parked(2)).toEqual([{ key: `${orderId}@2`, reason: 'no-row' }]);
    expect(poison).toEqual([expect.stringMatching(/cannot be applied/)]);

    // The NUL record again (a resend) makes this batch go one record at a time too.
    const second = await apply.apply([...records.slice(2), { ...records[1]!, offset: '4' }]);
    expect(second).toMatchObject({ applied: 2, parked: [], parkedInPartition: 0 });
    expect(second.released).toHaveLength(1);
    expect(await parked(2)).toEqual([]);
    const row = await withClient(async (client) => {
      const { rows } = await client.query<{ status: string; version: number }>(
        `SELECT status, version FROM ${ident(store.schema)}.orders_v2 WHERE order_id = $1`,
        [orderId],
      );
      return rows[0];
    });
    expect(row).toEqual({ status: 'CONFIRMED', version: 2 });
    expect(await withClient((client) => store.position(client, 2, TOPIC, 0))).toEqual({
      checkpoint: 5n,
      parked: 0,
    });
  });

  it('gives the same rows and held events, hence the same digest, whether the log comes in one batch or one record at a time', async () => {
    await withClient(async (client) => {
      await store.createVersion(client, 3);
      await store.createVersion(client, 4);
    });
    const [gap, early, orphan] = [anOrderPlaced(), anOrderPlaced(), randomUUID()];
    const records = log(1, [
      gap,
      followUp(gap.aggregateId, 3),
      followUp(early.aggregateId, 2),
      followUp(orphan, 2),
      early,
      followUp(orphan, 2), // a resend of a held version: the first copy stays
      followUp(gap.aggregateId, 2),
      anOrderPlaced(),
    ]);

    await applier(3).apply(records);
    const oneByOne = applier(4);
    for (const record of records) await oneByOne.apply([record]);

    const [whole, single] = await withClient(async (client) => [
      await store.digest(client, 3),
      await store.digest(client, 4),
    ]);
    expect(single).toEqual(whole);
    expect(whole).toMatchObject({ rows: 3, parked: 1 });
    expect(await parked(3)).toEqual([{ key: `${orphan}@2`, reason: 'no-row' }]);
  });

  it('gives an older version without a parked table one on start, and drops it with the version', async () => {
    const legacy = ident(`orders_v9_parked`);
    await withClient(async (client) => {
      await store.createVersion(client, 9);
      await client.query(`DROP TABLE ${ident(store.schema)}.${legacy}`);
      await store.initialize(client);
    });
    const held = async () =>
      withClient(async (client) => {
        const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [
          `${ident(store.schema)}.${legacy}`,
        ]);
        return rows[0]!.t !== null;
      });
    expect(await held()).toBe(true);
    await withClient((client) => store.dropVersion(client, 9));
    expect(await held()).toBe(false);
  });
});
