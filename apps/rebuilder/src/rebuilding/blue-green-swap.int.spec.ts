import type { NatsConnection } from '@nats-io/transport-node';
import { topology, type GetOrderReply } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import { ProjectionStore } from '@switchyard/read-models';
import {
  cleanupNamespace,
  nestRequest,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Pool } from 'pg';
import { produceOrders, registry, runCli, visibleOrders } from '../__tests__/harness';

const N = 300;

/** What one reader saw, in one statement (one snapshot). */
interface Sample {
  /** The live version according to the registry. */
  active: number;
  /** Rows answered through the `orders` view. */
  visible: number;
  /** Rows in the version being built, or null while it does not exist. */
  building: number | null;
}

/**
 * Acceptance: the swap is atomic. While the rebuild fills `orders_v2`, readers keep
 * getting the complete `orders_v1`; after the swap they get `orders_v2`; never anything
 * in between (an empty or half-filled table).
 */
describe('blue-green rebuild', () => {
  const namespace = uniqueNamespace('rb');
  const names = topology(namespace);
  const schema = names.postgres.schema;
  const env = { SWITCHYARD_NAMESPACE: namespace };
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 4 });
  let projector: ServiceProcess;
  let nc: NatsConnection;
  let orderIds: string[];

  beforeAll(async () => {
    projector = await startService({ app: 'projector', env });
    nc = await connectNats({ settings: testEnv, name: 'test-blue-green' });
    orderIds = await produceOrders(namespace, N);
    await waitFor(
      'every order to be projected',
      async () => (await visibleOrders(pool, namespace)) === N,
    );
  });

  afterAll(async () => {
    await nc?.close();
    await projector?.stop();
    await pool.end();
    await cleanupNamespace(namespace);
  });

  const sample = async (): Promise<Sample> => {
    const { rows } = await pool.query<Sample>(
      `SELECT p.active_version AS active,
              (SELECT count(*)::int FROM "${schema}".orders) AS visible,
              CASE WHEN to_regclass($1) IS NULL THEN NULL
                   ELSE (xpath('/row/n/text()', query_to_xml($2, false, true, '')))[1]::text::int
              END AS building
       FROM "${schema}".projections p WHERE p.name = 'orders'`,
      [`"${schema}".orders_v2`, `SELECT count(*) AS n FROM "${schema}".orders_v2`],
    );
    return rows[0]!;
  };

  const getOrder = async (orderId: string) =>
    (await nestRequest<GetOrderReply>(nc, names.nats.subjects.getOrder, { orderId })).response;

  it('answers from the old version while rebuilding, from the new one after the swap, and rolls back', async () => {
    expect(await registry(pool, namespace)).toEqual({ active: 1, previous: null });

    // ### Hold the rebuild half-way, so the half-filled table is seen, not hoped for.
    // An uncommitted row in `checkpoints` for (orders, v2, partition 0) makes the
    // rebuild's write of partition 0 (rows + checkpoint, one transaction) wait on its key,
    // while the other partitions commit theirs: `orders_v2` then holds some rows, not all,
    // for as long as this transaction stays open. Rolling it back lets the rebuild finish.
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query(
      `INSERT INTO "${schema}".checkpoints (projection, version, topic, partition, next_offset)
       VALUES ('orders', 2, $1, 0, 0)`,
      [names.kafka.topics.orderEvents.name],
    );
    let holding = true;
    const release = async () => {
      if (!holding) return;
      holding = false;
      await holder.query('ROLLBACK');
      holder.release();
    };
    const holdUntil = Date.now() + 60_000;

    const samples: Sample[] = [];
    const missed: string[] = [];
    let finished = false;
    const rebuild = runCli(['rebuild', 'orders'], env).finally(() => (finished = true));
    try {
      for (let i = 0; !finished; i++) {
        const seen = await sample();
        samples.push(seen);
        // The same through the query path the gateway uses: GetOrder over NATS.
        const orderId = orderIds[i % N]!;
        if (!(await getOrder(orderId))?.found) missed.push(orderId);
        // Half-filled and still serving v1 seen (or held for long enough to say it never
        // comes): let partition 0 through.
        const halfFilled = seen.active === 1 && seen.building !== null && seen.building > 0;
        if (holding && (halfFilled || Date.now() > holdUntil)) await release();
        await new Promise((resolve) => setTimeout(resolve, 10)); // pacing, not waiting
      }
    } finally {
      await release();
    }
    const result = await rebuild;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toMatchObject({
      msg: 'rebuild complete',
      version: 2,
      previousVersion: 1,
      events: N,
      rows: N,
    });
    samples.push(await sample());

    // Every reader, at every moment, saw every order.
    expect(missed).toEqual([]);
    expect(samples.every((s) => s.visible === N)).toBe(true);
    // While v2 was being filled (some samples saw it half-filled: neither empty nor
    // complete), reads came from v1 and saw every order...
    const halfFilled = samples.filter(
      (s) => s.active === 1 && s.building !== null && s.building > 0 && s.building < N,
    );
    expect(halfFilled.length).toBeGreaterThan(0);
    expect(halfFilled.every((s) => s.visible === N)).toBe(true);
    // ...and the switch happened once, from v1 to v2, never back.
    const actives = samples.map((s) => s.active);
    expect(actives[0]).toBe(1);
    expect(actives.at(-1)).toBe(2);
    expect(actives.findIndex((v) => v === 2)).toBe(actives.lastIndexOf(1) + 1);
    expect(await registry(pool, namespace)).toEqual({ active: 2, previous: 1 });

    // The rebuilt model equals the one the live projector built.
    const client = await pool.connect();
    try {
      const store = new ProjectionStore(schema);
      expect(await store.digest(client, 2)).toEqual(await store.digest(client, 1));
    } finally {
      client.release();
    }

    // The run is recorded for every status reader.
    const { rows } = await pool.query<{ state: string; events_applied: string; version: number }>(
      `SELECT state, events_applied, version FROM "${schema}".rebuild_runs`,
    );
    expect(rows).toEqual([{ state: 'swapped', events_applied: String(N), version: 2 }]);

    // Rollback: the kept previous version is live again, complete; rolling back again rolls forward.
    const back = await runCli(['rollback', 'orders'], env);
    expect(back.code).toBe(0);
    expect(await registry(pool, namespace)).toEqual({ active: 1, previous: 2 });
    expect(await visibleOrders(pool, namespace)).toBe(N);
    expect((await getOrder(orderIds[0]!))?.found).toBe(true);
    expect((await runCli(['rollback', 'orders'], env)).code).toBe(0);
    expect(await registry(pool, namespace)).toEqual({ active: 2, previous: 1 });
  });
});
