import { topology } from '@switchyard/contracts';
import { ProjectionStore, RebuildRuns } from '@switchyard/read-models';
import {
  cleanupNamespace,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Pool } from 'pg';
import {
  produceOrders,
  registry,
  runCli,
  versionTables,
  visibleOrders,
} from '../__tests__/harness';

const N = 50;

/** Acceptance: a failed rebuild leaves the live version untouched. */
describe('a rebuild that fails or may not start', () => {
  const namespace = uniqueNamespace('rb');
  const schema = topology(namespace).postgres.schema;
  const env = { SWITCHYARD_NAMESPACE: namespace };
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 4 });
  let projector: ServiceProcess;

  beforeAll(async () => {
    projector = await startService({ app: 'projector', env });
    await produceOrders(namespace, N);
    await waitFor(
      'every order to be projected',
      async () => (await visibleOrders(pool, namespace)) === N,
    );
  });

  afterAll(async () => {
    await projector?.stop();
    await pool.end();
    await cleanupNamespace(namespace);
  });

  it('given a deadline it cannot meet, exits non-zero, drops its version and records why', async () => {
    // Whatever ran before: the live state now is what must survive the failure.
    const [before, tables] = [
      await registry(pool, namespace),
      await versionTables(pool, namespace),
    ];
    // 1 ms: the consumer cannot even join its group in time, so this fails every time.
    const run = await runCli(['rebuild', 'orders', '--timeout-ms', '1'], env);

    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('did not catch up within 1 ms');
    expect(await registry(pool, namespace)).toEqual(before);
    expect(await versionTables(pool, namespace)).toEqual(tables);
    expect(await visibleOrders(pool, namespace)).toBe(N);
    const latest = await new RebuildRuns(schema).latest(pool, 'orders');
    expect(latest).toMatchObject({
      state: 'failed',
      version: Math.max(...tables) + 1,
      eventsTotal: N,
    });
    expect(latest?.error).toContain('did not catch up within 1 ms');
    expect(latest?.finishedAt).not.toBeNull();
  });

  it('given a rebuild already running (its lock is held), refuses to rebuild or roll back', async () => {
    const before = await registry(pool, namespace);
    const lock = await new RebuildRuns(schema).tryLock(pool, 'orders');
    expect(lock).toBeDefined();
    try {
      // A second holder is refused in-process too.
      expect(await new RebuildRuns(schema).tryLock(pool, 'orders')).toBeUndefined();
      const rebuild = await runCli(['rebuild', 'orders'], env);
      expect(rebuild.code).not.toBe(0);
      expect(rebuild.stderr).toContain('already running');
      const rollback = await runCli(['rollback', 'orders'], env);
      expect(rollback.code).not.toBe(0);
      expect(rollback.stderr).toContain('already running');
      expect(await registry(pool, namespace)).toEqual(before);
    } finally {
      await lock!.release();
    }
    // Released: the next holder gets it.
    const again = await new RebuildRuns(schema).tryLock(pool, 'orders');
    expect(again).toBeDefined();
    await again!.release();
  });

  it('given no previous version, refuses to roll back', async () => {
    // A namespace of its own, just initialized (version 1 live, nothing before it), so
    // "no previous version" holds whatever the other tests did to theirs.
    const fresh = uniqueNamespace('rb');
    const client = await pool.connect();
    try {
      await new ProjectionStore(topology(fresh).postgres.schema).initialize(client);
    } finally {
      client.release();
    }
    try {
      const rollback = await runCli(['rollback', 'orders'], { SWITCHYARD_NAMESPACE: fresh });
      expect(rollback.code).not.toBe(0);
      expect(rollback.stderr).toContain('no previous version');
      expect(await registry(pool, fresh)).toEqual({ active: 1, previous: null });
    } finally {
      await cleanupNamespace(fresh);
    }
  });
});
