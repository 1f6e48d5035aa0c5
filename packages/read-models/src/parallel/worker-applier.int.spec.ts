import { topology } from '@switchyard/contracts';
import type { ConsumedRecord } from '@switchyard/messaging';
import { anOrderPlaced, cleanupNamespace, testEnv, uniqueNamespace } from '@switchyard/testkit';
import { Pool } from 'pg';
import { PartitionApplier } from '../partition-applier';
import { ProjectionStore } from '../projection-store';
import { WorkerApplier } from './worker-applier';

const TOPIC = 'orders';

/** `count` records per partition, offsets from `from`, every `poisonEvery`-th one unparseable. */
function records(
  partition: number,
  from: number,
  count: number,
  poisonEvery = 0,
): ConsumedRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const poison = poisonEvery > 0 && (index + 1) % poisonEvery === 0;
    return {
      topic: TOPIC,
      partition,
      offset: String(from + index),
      key: null,
      value: Buffer.from(poison ? '{not json' : JSON.stringify(anOrderPlaced())),
      headers: {},
      timestamp: '0',
    };
  });
}

/** Real Postgres, real worker threads (the package's compiled worker script). */
describe('WorkerApplier', () => {
  const namespace = uniqueNamespace('wa');
  const store = new ProjectionStore(topology(namespace).postgres.schema);
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  const start = (version: number, workers: number) =>
    WorkerApplier.start({
      workers,
      partitions: 3,
      connectionString: testEnv.DATABASE_URL,
      applicationName: 'worker-applier-test',
      schema: store.schema,
      version,
      durability: 'per-batch',
    });

  beforeAll(async () => {
    const client = await pool.connect();
    try {
      await store.initialize(client);
      await store.createVersion(client, 2);
      await store.createVersion(client, 3);
    } finally {
      client.release();
    }
  });

  afterAll(async () => {
    await pool.end();
    await cleanupNamespace(namespace);
  });

  it("given batches of three partitions, when applied on two workers, then the rows and checkpoints equal the main-thread applier's, and poison is counted", async () => {
    const batches = [0, 1, 2].flatMap((partition) => [
      records(partition, 0, 40, 13),
      records(partition, 40, 25),
    ]);
    const poisonExpected = batches.flat().filter((one) => one.value!.toString() === '{not json');
    expect(poisonExpected.length).toBeGreaterThan(0);

    const workers = await start(2, 2);
    let closed: { poison: number };
    try {
      expect(workers.size).toBe(2);
      const outcomes = await Promise.all(
        [0, 1, 2].map(async (partition) => {
          let applied = 0;
          // One write per partition in flight, in offset order: as the rebuild's pipeline does.
          for (const batch of batches.filter((one) => one[0]!.partition === partition)) {
            applied += (await workers.apply(batch)).applied;
          }
          return applied;
        }),
      );
      expect(outcomes.reduce((sum, applied) => sum + applied, 0)).toBe(
        batches.flat().length - poisonExpected.length,
      );
    } finally {
      closed = await workers.close();
    }
    expect(closed.poison).toBe(poisonExpected.length);

    let mainThreadPoison = 0;
    const inProcess = new PartitionApplier({
      pool,
      store,
      target: { kind: 'fixed', version: 3 },
      deadLetter: async (poison) => {
        mainThreadPoison += poison.length;
      },
    });
    for (const batch of batches) await inProcess.apply(batch);

    const client = await pool.connect();
    try {
      expect(await store.digest(client, 2)).toEqual(await store.digest(client, 3));
      expect(mainThreadPoison).toBe(closed.poison);
      for (const partition of [0, 1, 2]) {
        expect(await store.checkpoint(client, 2, TOPIC, partition)).toBe(65n);
      }
    } finally {
      client.release();
    }
  });

  it("given a batch the database cannot take, when applied, then it rejects with the database's error and code, and the workers keep serving", async () => {
    // Version 9 has no table: Postgres answers 42P01 (undefined table).
    const workers = await start(9, 1);
    try {
      await expect(workers.apply(records(0, 0, 3))).rejects.toMatchObject({
        code: '42P01',
        message: expect.stringContaining('orders_v9'),
      });
      await expect(workers.apply(records(1, 0, 3))).rejects.toMatchObject({ code: '42P01' });
    } finally {
      await workers.close();
    }
  });

  it('given a batch of a partition in flight, when another batch of that partition is applied, then it is refused until the first one settled', async () => {
    // Any worker may take any batch, so order within a partition rests on one batch per
    // partition at a time; a second one is a caller's bug, refused rather than raced.
    // (Version 9 has no table: every batch that reaches a worker fails with 42P01.)
    const workers = await start(9, 2);
    try {
      const first = workers.apply(records(0, 0, 3));
      await expect(workers.apply(records(0, 3, 3))).rejects.toThrow(
        'a batch of orders:0 is already being applied',
      );
      // Another partition is not held up.
      await expect(workers.apply(records(1, 0, 3))).rejects.toMatchObject({ code: '42P01' });
      await expect(first).rejects.toMatchObject({ code: '42P01' });
      // Settled (even by failing): the partition takes its next batch.
      await expect(workers.apply(records(0, 3, 3))).rejects.toMatchObject({ code: '42P01' });
    } finally {
      await workers.close();
    }
  });

  it('given more workers than partitions, when started, then it starts one per partition', async () => {
    const workers = await start(2, 8);
    try {
      expect(workers.size).toBe(3);
    } finally {
      await workers.close();
    }
  });
});
