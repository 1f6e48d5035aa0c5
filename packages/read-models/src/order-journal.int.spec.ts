import {
  envelopeHeaders,
  MessageHeaders,
  topology,
  type CurrentOrderEvent,
} from '@switchyard/contracts';
import type { ConsumedRecord } from '@switchyard/messaging';
import { anOrderPlaced, cleanupNamespace, testEnv, uniqueNamespace } from '@switchyard/testkit';
import { Pool } from 'pg';
import { findOrderJournal, orderJournalTable, pruneOrderJournal } from './order-journal';
import { PartitionApplier } from './partition-applier';
import { ProjectionStore } from './projection-store';

const TOPIC = 'orders';
const FORWARDED_AT = '2026-12-03T12:00:00.123Z';

/** The record the bridge makes of an event: envelope headers, its forward time, the key. */
function record(event: CurrentOrderEvent, offset: number, partition = 0): ConsumedRecord {
  return {
    topic: TOPIC,
    partition,
    offset: String(offset),
    key: event.aggregateId,
    value: Buffer.from(JSON.stringify(event)),
    headers: { ...envelopeHeaders(event), [MessageHeaders.forwardedAt]: FORWARDED_AT },
    timestamp: String(Date.parse(event.occurredAt)),
  };
}

/**
 * The order journal on real Postgres, written by the `PartitionApplier` in the batch's
 * transaction: by the live projector only, once per event, and never the reason a
 * partition stops.
 */
describe('the order journal', () => {
  const namespace = uniqueNamespace('journal');
  const store = new ProjectionStore(topology(namespace).postgres.schema);
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  const applier = (target: { kind: 'live' } | { kind: 'fixed'; version: number }) =>
    new PartitionApplier({ pool, store, target, deadLetter: async () => undefined });

  beforeAll(async () => {
    const client = await pool.connect();
    try {
      await store.initialize(client);
    } finally {
      client.release();
    }
  });

  afterAll(async () => {
    await pool.end();
    await cleanupNamespace(namespace);
  });

  it('given the live projector applies an order event, when its journal is read, then it has the Kafka position and the forward time', async () => {
    const placed = anOrderPlaced();

    await applier({ kind: 'live' }).apply([record(placed, 0, 1)]);

    expect(await findOrderJournal(pool, store.schema, placed.aggregateId)).toEqual([
      {
        eventId: placed.eventId,
        type: 'OrderPlaced',
        topic: TOPIC,
        partition: 1,
        offset: '0',
        forwardedAt: '2026-12-03T12:00:00.123000Z',
        projectedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      },
    ]);
  });

  it('given the same event delivered twice, a record without envelope headers and one with a NUL in its type header, when applied, then the journal keeps one row and the batch still commits', async () => {
    const placed = anOrderPlaced();
    const headerless = { ...record(anOrderPlaced(), 2, 2), headers: {} };
    const live = applier({ kind: 'live' });

    await live.apply([record(placed, 0, 2)]);
    const oddType = record(anOrderPlaced(), 3, 2);
    oddType.headers[MessageHeaders.eventType] = 'Order\u0000Placed';
    const outcome = await live.apply([record(placed, 1, 2), headerless, oddType]);

    expect(outcome.applied).toBe(2);
    expect(await findOrderJournal(pool, store.schema, oddType.key!)).toEqual([]);
    expect(
      (await findOrderJournal(pool, store.schema, placed.aggregateId)).map(({ offset }) => offset),
    ).toEqual(['0']);
    expect(await findOrderJournal(pool, store.schema, headerless.key!)).toEqual([]);
  });

  it('given a rebuild writes a fixed version, when it applies an event, then nothing is journaled (a replay is not the journey)', async () => {
    const placed = anOrderPlaced();
    await applier({ kind: 'fixed', version: 1 }).apply([record(placed, 0, 3)]);

    expect(await findOrderJournal(pool, store.schema, placed.aggregateId)).toEqual([]);
  });

  it('given journal rows older than the retention and newer ones, when pruned in small batches, then only the old rows go, every one of them', async () => {
    // Its own schema: the other tests' rows must not count in what is deleted.
    const ownNamespace = uniqueNamespace('journalprune');
    const own = new ProjectionStore(topology(ownNamespace).postgres.schema);
    const client = await pool.connect();
    try {
      await own.initialize(client);
    } finally {
      client.release();
    }
    const live = new PartitionApplier({
      pool,
      store: own,
      target: { kind: 'live' },
      deadLetter: async () => undefined,
    });
    const old = [
      anOrderPlaced(),
      anOrderPlaced(),
      anOrderPlaced(),
      anOrderPlaced(),
      anOrderPlaced(),
    ];
    const recent = [anOrderPlaced(), anOrderPlaced()];
    await live.apply([...old, ...recent].map((event, offset) => record(event, offset, 0)));
    // Eight days ago, as if projected then (the retention below is one hour).
    await pool.query(
      `UPDATE ${orderJournalTable(own.schema)} SET projected_at = now() - interval '8 days'
       WHERE order_id = ANY($1::uuid[])`,
      [old.map((event) => event.aggregateId)],
    );

    try {
      // Batches of 2: 5 old rows take three DELETEs, the last one short.
      expect(await pruneOrderJournal(pool, own.schema, 3600, 2)).toBe(5);

      for (const event of old) {
        expect(await findOrderJournal(pool, own.schema, event.aggregateId)).toEqual([]);
      }
      for (const event of recent) {
        expect(await findOrderJournal(pool, own.schema, event.aggregateId)).toHaveLength(1);
      }
      expect(await pruneOrderJournal(pool, own.schema, 3600, 2)).toBe(0);
    } finally {
      await cleanupNamespace(ownNamespace);
    }
  });
});
