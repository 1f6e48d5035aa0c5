import { topology } from '@switchyard/contracts';
import { cleanupNamespace, testEnv, uniqueNamespace, waitFor } from '@switchyard/testkit';
import { Pool, type PoolClient } from 'pg';
import { ProjectionStore } from './projection-store';
import { readProjectionStatus } from './projection-status';
import { RebuildRuns } from './rebuild-runs';
import { ident } from './sql';

/**
 * The status must be one instant's: the swap makes version 2 live and marks its run
 * `swapped` in one transaction, so no reader may see one without the other. The test
 * holds the swap's transaction open, with the run table locked, until the status read is
 * known to be waiting on that lock (pg_locks), then commits: a read whose statements take
 * their own snapshots sees the run swapped next to the old live version.
 */
describe('readProjectionStatus', () => {
  const namespace = uniqueNamespace('status');
  const schema = topology(namespace).postgres.schema;
  const store = new ProjectionStore(schema);
  const runs = new RebuildRuns(schema);
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 4 });
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>) => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };

  beforeAll(() =>
    withClient(async (client) => {
      await store.initialize(client);
      await store.createVersion(client, 2);
    }),
  );

  afterAll(async () => {
    await pool.end();
    await cleanupNamespace(namespace);
  });

  it('reads the live version and the last run from one snapshot while a swap commits', async () => {
    const runId = await runs.begin(pool, 'orders');
    await runs.progress(pool, runId, { version: 2 });

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let swapHolding = false;
    const swap = withClient((client) =>
      store.activate(client, 2, async (tx) => {
        await runs.finish(tx, runId, { state: 'swapped', eventsApplied: 0 });
        // Readers of the run table now wait for this transaction to end.
        await tx.query(`LOCK TABLE ${ident(schema)}.rebuild_runs IN ACCESS EXCLUSIVE MODE`);
        swapHolding = true;
        await released;
      }),
    );
    await waitFor('the swap to hold its transaction open', () => swapHolding);

    const reading = readProjectionStatus(pool, store, runs, 'orders');
    await waitFor('the status read to wait for the run table', async () => {
      const { rows } = await pool.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM pg_locks
         WHERE relation = $1::regclass AND NOT granted`,
        [`${ident(schema)}.rebuild_runs`],
      );
      return rows[0]!.waiting > 0;
    });
    release();
    await swap;
    const during = await reading;

    // Before the swap, as a whole: v1 live and the run still running.
    expect({ active: during.activeVersion, run: during.lastRun?.state }).toEqual({
      active: 1,
      run: 'running',
    });
    // After it, as a whole.
    const after = await readProjectionStatus(pool, store, runs, 'orders');
    expect({
      active: after.activeVersion,
      previous: after.previousVersion,
      run: after.lastRun?.state,
    }).toEqual({ active: 2, previous: 1, run: 'swapped' });
  });
});
