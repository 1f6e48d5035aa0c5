import type { NatsConnection } from '@nats-io/transport-node';
import {
  ProjectionStatusSchema,
  RebuildProgressSchema,
  type ProjectionStatus,
  type RebuildProgress,
} from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  adminRequest,
  testEnv,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Pool } from 'pg';
import { produceOrders, visibleOrders } from '../__tests__/harness';

const N = 200;

/**
 * The control plane end to end, every app a real process: HTTP → gateway → NATS →
 * `rebuilder serve` → Kafka/Postgres, status from the run log, progress on NATS.
 */
describe('rebuild over the admin API', () => {
  const suite = new TestNamespace('rb');
  const { namespace, names } = suite;
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  let gateway: ServiceProcess;
  let nc: NatsConnection;

  beforeAll(async () => {
    await Promise.all([
      suite.startOne({ app: 'projector' }),
      suite.startOne({ app: 'rebuilder', args: ['serve'], label: 'rebuilder-serve' }),
    ]);
    gateway = await suite.startOne({ app: 'gateway' });
    nc = await connectNats({ settings: testEnv, name: 'test-admin-rebuild' });
    await produceOrders(namespace, N);
    await waitFor(
      'every order to be projected',
      async () => (await visibleOrders(pool, namespace)) === N,
    );
  });

  afterAll(async () => {
    await nc?.close();
    await pool.end();
    await suite.close();
  });

  const status = async (name = 'orders') =>
    fetch(`${gateway.url}/admin/projections/${name}`, adminRequest());
  const rebuild = async (name = 'orders') =>
    fetch(`${gateway.url}/admin/projections/${name}/rebuild`, adminRequest('POST'));

  it('accepts a rebuild (202), refuses a second one while it runs (409), and reports it to the swap', async () => {
    const before = ProjectionStatusSchema.parse(await (await status()).json());
    expect(before).toEqual({
      projection: 'orders',
      activeVersion: 1,
      previousVersion: null,
      parkedEvents: 0,
      lastRun: null,
    });

    // Live progress, at most once: subscribe before starting.
    const progress: RebuildProgress[] = [];
    const subscription = nc.subscribe(names.nats.subjects.rebuildProgress('orders'), {
      callback: (error, message) => {
        if (!error) progress.push(RebuildProgressSchema.parse(message.json()));
      },
    });

    const accepted = await rebuild();
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe('/admin/projections/orders');
    const { runId, state } = (await accepted.json()) as { runId: string; state: string };
    expect(state).toBe('running');

    // The lock is taken before the 202, and a replay takes far longer than one request.
    const second = await rebuild();
    expect(second.status).toBe(409);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(await second.json()).toMatchObject({ status: 409, title: 'Rebuild already running' });

    // The probe only waits for the run to end, either way; what it ended as is asserted
    // below. (An `expect` inside a probe is caught by `waitFor` as "not yet", so a failed
    // run would have shown only as a timeout.)
    const done = await waitFor('the rebuild to end', async () => {
      const current = ProjectionStatusSchema.parse(await (await status()).json());
      return current.lastRun?.runId === runId && current.lastRun.state !== 'running'
        ? current
        : undefined;
    });
    expect(done.lastRun?.state).toBe('swapped');
    expect(done).toMatchObject<Partial<ProjectionStatus>>({ activeVersion: 2, previousVersion: 1 });
    expect(done.lastRun).toMatchObject({
      runId,
      version: 2,
      eventsTotal: N,
      eventsApplied: N,
      etaSeconds: null,
      error: null,
    });
    expect(done.lastRun?.finishedAt).not.toBeNull();
    expect(await visibleOrders(pool, namespace)).toBe(N);

    const final = await waitFor('the final progress sample', () =>
      progress.find((sample) => sample.runId === runId && sample.state === 'swapped'),
    );
    expect(final).toMatchObject({ projection: 'orders', version: 2, eventsApplied: N });
    subscription.unsubscribe();
  });

  it('answers 404 problem details for a projection that does not exist', async () => {
    for (const response of [await status('nope'), await rebuild('nope')]) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(await response.json()).toMatchObject({ status: 404, title: 'Unknown projection' });
    }
  });
});
