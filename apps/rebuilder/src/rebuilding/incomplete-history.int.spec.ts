import { ProjectionStatusSchema } from '@switchyard/contracts';
import { createKafka, KafkaAdmin } from '@switchyard/messaging';
import { RebuildRuns } from '@switchyard/read-models';
import {
  adminRequest,
  testEnv,
  TestNamespace,
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

const N = 60;
/** Records deleted from the start of one partition, as retention or kafka-delete-records would. */
const CUT = 5n;
const quiet = { log() {}, warn() {}, error() {} };

/**
 * Acceptance (issue #11, path 3): a rebuild never swaps in a truncated read model. The
 * topic lost its first records on one partition (or was recreated): the rebuild is refused
 * with the reason (CLI exit code and stderr, the run row, the admin API), and the live
 * version stays. Only an operator's explicit `--allow-incomplete-history` builds from what
 * is left, and the run records it.
 *
 * The cases run in order on one history: truncated, then rebuilt with the override, then
 * the topic recreated under the version that override swapped in.
 */
describe('a rebuild whose source history is incomplete', () => {
  const suite = new TestNamespace('rh');
  const { namespace, names, env } = suite;
  const topic = names.kafka.topics.orderEvents.name;
  const runs = new RebuildRuns(names.postgres.schema);
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  const admin = new KafkaAdmin(
    createKafka({
      clientId: 'incomplete-history-test',
      brokers: testEnv.KAFKA_BROKERS,
      logger: quiet,
    }),
  );
  let projector: ServiceProcess;
  let gateway: ServiceProcess;
  let truncated: number;

  beforeAll(async () => {
    await admin.connect();
    [projector] = await Promise.all([
      suite.startOne({ app: 'projector' }),
      suite.startOne({ app: 'rebuilder', args: ['serve'], label: 'rebuilder-serve' }),
    ]);
    gateway = await suite.startOne({ app: 'gateway' });
    await produceOrders(namespace, N);
    await waitFor(
      'every order to be projected',
      async () => (await visibleOrders(pool, namespace)) === N,
    );
    // The fullest partition loses its first CUT records (60 orders over 3 partitions:
    // every partition holds more than 5).
    const offsets = await admin.partitionOffsets(topic);
    const fullest = offsets.reduce((a, b) => (b.high > a.high ? b : a));
    expect(fullest.high).toBeGreaterThan(CUT);
    truncated = fullest.partition;
    await admin.deleteRecordsBefore(topic, [{ partition: truncated, offset: CUT }]);
    expect((await admin.partitionOffsets(topic))[truncated]).toMatchObject({ low: CUT });
  });

  afterAll(async () => {
    await pool.end();
    await admin.disconnect();
    await suite.close();
  });

  const reason = () => `partition ${truncated} starts at offset ${CUT}, not 0`;

  it('given records deleted below offset 5 on one partition, the CLI refuses: exit 1, the reason on stderr and in the run row, live unchanged', async () => {
    const run = await runCli(['rebuild', 'orders'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('source history incomplete, rebuild refused');
    expect(run.stderr).toContain(reason());
    const latest = await runs.latest(pool, 'orders');
    expect(latest).toMatchObject({ state: 'failed', version: null, warning: null });
    expect(latest?.error).toContain(reason());
    expect(latest?.finishedAt).not.toBeNull();
    expect(await registry(pool, namespace)).toEqual({ active: 1, previous: null });
    expect(await versionTables(pool, namespace)).toEqual([1]);
    expect(await visibleOrders(pool, namespace)).toBe(N);
  });

  it('the admin API refuses too (409 with the reason), and its status shows the failed run', async () => {
    const refused = await fetch(
      `${gateway.url}/admin/projections/orders/rebuild`,
      adminRequest('POST'),
    );

    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await refused.json()) as { title: string; detail: string };
    expect(problem.title).toBe('Source history incomplete');
    expect(problem.detail).toContain(reason());
    const status = ProjectionStatusSchema.parse(
      await (await fetch(`${gateway.url}/admin/projections/orders`, adminRequest())).json(),
    );
    expect(status).toMatchObject({ activeVersion: 1, previousVersion: null });
    expect(status.lastRun).toMatchObject({ state: 'failed', warning: null });
    expect(status.lastRun?.error).toContain(reason());
    expect(await visibleOrders(pool, namespace)).toBe(N);
  });

  it('given --allow-incomplete-history, builds from what is left, swaps, and records the warning', async () => {
    const run = await runCli(['rebuild', 'orders', '--allow-incomplete-history'], env);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({
      msg: 'rebuild complete',
      version: 2,
      rows: N - Number(CUT),
    });
    const latest = await runs.latest(pool, 'orders');
    expect(latest).toMatchObject({ state: 'swapped', version: 2, error: null });
    expect(latest?.warning).toContain('rebuilt from an incomplete history');
    expect(latest?.warning).toContain(reason());
    expect(await registry(pool, namespace)).toEqual({ active: 2, previous: 1 });
    expect(await visibleOrders(pool, namespace)).toBe(N - Number(CUT));
  });

  it('given the topic deleted and recreated under the live version, refuses: the live checkpoints are beyond its end', async () => {
    const before = await registry(pool, namespace);
    await projector.stop();
    await admin.deleteTopics([topic]);
    // Deletion is asynchronous: the topic is back (empty) once a creation succeeds.
    await waitFor('the topic to be recreated', async () => {
      try {
        const [result] = await admin.ensureTopics([names.kafka.topics.orderEvents]);
        return result?.created;
      } catch {
        return false;
      }
    });

    const run = await runCli(['rebuild', 'orders'], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('source history incomplete, rebuild refused');
    expect(run.stderr).toMatch(
      /partition \d+ ends at offset 0, yet the live version read it up to offset \d+: the topic was recreated or truncated since/,
    );
    expect((await runs.latest(pool, 'orders'))?.state).toBe('failed');
    expect(await registry(pool, namespace)).toEqual(before);
    expect(await visibleOrders(pool, namespace)).toBe(N - Number(CUT));
  });
});
