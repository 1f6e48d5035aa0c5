import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  topology,
  type CurrentOrderEvent,
  type GetOrderReply,
  type OrderView,
} from '@switchyard/contracts';
import { connectNats, createKafka, EventProducer } from '@switchyard/messaging';
import { ProjectionStore } from '@switchyard/read-models';
import {
  anOrderPlaced,
  cleanupNamespace,
  nestRequest,
  runScript,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Pool } from 'pg';

const quiet = { log() {}, warn() {}, error() {} };

/** A follow-up event of `orderId` at `aggregateVersion`, as the saga appends it. */
function followUp(
  orderId: string,
  aggregateVersion: number,
  type: 'OrderConfirmed' | 'OrderCancelled',
): CurrentOrderEvent {
  const envelope = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    aggregateId: orderId,
    aggregateVersion,
    correlationId: randomUUID(),
    causationId: null,
    headers: {},
    schemaVersion: 1 as const,
  };
  return type === 'OrderConfirmed'
    ? { ...envelope, type, data: { orderId } }
    : { ...envelope, type, data: { orderId, reason: 'payment declined' } };
}

/**
 * Issue #11, path 4: the projector never skips an event it cannot place. A follow-up that
 * reaches the topic before its `OrderPlaced`, or after a version gap, is held in the
 * version's parked table and applied when its predecessor arrives; a rebuild of the same
 * topic holds and releases the same way, so its digest equals the live one. Real
 * projector and rebuilder processes, real Kafka and Postgres.
 */
describe('projector and events that arrive before their predecessor', () => {
  const namespace = uniqueNamespace('ooo');
  const names = topology(namespace);
  const schema = names.postgres.schema;
  const ordersTopic = names.kafka.topics.orderEvents.name;
  const env = { SWITCHYARD_NAMESPACE: namespace };
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  let projector: ServiceProcess;
  let producer: EventProducer;
  let nc: NatsConnection;

  beforeAll(async () => {
    projector = await startService({ app: 'projector', env });
    producer = new EventProducer(
      createKafka({ clientId: 'ooo-test', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
    );
    await producer.connect();
    nc = await connectNats({ settings: testEnv, name: 'ooo-test' });
  });

  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await nc?.close();
    await pool.end();
    await cleanupNamespace(namespace);
  });

  /** One key per order: Kafka keeps these records in this order on one partition. */
  const send = (events: CurrentOrderEvent[]) =>
    producer.send(
      ordersTopic,
      events.map((event) => ({ key: event.aggregateId, value: JSON.stringify(event) })),
    );

  const order = async (orderId: string): Promise<OrderView | undefined> => {
    const reply = await nestRequest<GetOrderReply>(nc, names.nats.subjects.getOrder, { orderId });
    return reply.response?.found ? reply.response.order : undefined;
  };

  /** Waits until the order reads `status` at `version`; on timeout says what it read last. */
  const orderReaches = async (orderId: string, status: string, version: number) => {
    let last: OrderView | undefined;
    await waitFor(
      `order ${orderId} ${status} at version ${version}`,
      async () => {
        last = await order(orderId);
        return last?.status === status && last.version === version;
      },
      { timeoutMs: 20_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last read: ${JSON.stringify(last ?? 'not found')}`);
    });
  };

  /** The held events of `version`, as (order id, aggregate version) pairs. */
  const parked = async (version = 1) => {
    const { rows } = await pool.query<{ order_id: string; aggregate_version: number }>(
      `SELECT order_id, aggregate_version FROM "${schema}"."orders_v${version}_parked"
       ORDER BY order_id, aggregate_version`,
    );
    return rows.map((row) => `${row.order_id}@${row.aggregate_version}`);
  };

  /** `switchyard_projection_parked_events`, summed over the partitions. */
  const parkedGauge = async () => {
    const text = await (await fetch(`${projector.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('switchyard_projection_parked_events{'))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };

  it('applies an OrderConfirmed that reaches the topic before its OrderPlaced: CONFIRMED at version 2, nothing held', async () => {
    const placed = anOrderPlaced();
    const orderId = placed.aggregateId;

    await send([followUp(orderId, 2, 'OrderConfirmed'), placed]);

    await orderReaches(orderId, 'CONFIRMED', 2);
    expect(await parked()).not.toContain(`${orderId}@2`);
  });

  it('holds an event after a version gap (v1, v3) where the metric shows it, and applies it once v2 arrives', async () => {
    const placed = anOrderPlaced();
    const orderId = placed.aggregateId;

    await send([placed, followUp(orderId, 3, 'OrderCancelled')]);
    // v3 cannot follow v1: the row stays at v1 and v3 waits, visibly.
    await waitFor('v3 held', async () => (await parked()).includes(`${orderId}@3`));
    await waitFor('the parked gauge to count it', async () => (await parkedGauge()) >= 1);
    expect(await order(orderId)).toMatchObject({ status: 'PLACED', version: 1 });

    await send([followUp(orderId, 2, 'OrderConfirmed')]);

    // v2 applies, then the held v3 right behind it: the in-order outcome.
    await orderReaches(orderId, 'CANCELLED', 3);
    expect(await parked()).not.toContain(`${orderId}@3`);
    await waitFor('the parked gauge back at 0', async () => (await parkedGauge()) === 0);
  });

  it('rebuilds the same topic into the same rows and the same held events (the digest covers both)', async () => {
    // An order whose OrderPlaced never reaches the topic: its follow-up stays held, in
    // the live version and in the rebuilt one alike.
    const orphan = randomUUID();
    await send([followUp(orphan, 2, 'OrderConfirmed')]);
    await waitFor('the orphan follow-up held', async () =>
      (await parked()).includes(`${orphan}@2`),
    );

    const rebuild = await runScript('apps/rebuilder/dist/main.js', ['rebuild', 'orders'], {
      ...env,
      LOG_LEVEL: 'warn',
    });
    expect(rebuild.code).toBe(0);

    expect(await parked(2)).toEqual(await parked(1));
    expect(await parked(2)).toEqual([`${orphan}@2`]);
    const client = await pool.connect();
    try {
      const store = new ProjectionStore(schema);
      const [live, rebuilt] = [await store.digest(client, 1), await store.digest(client, 2)];
      expect(rebuilt).toEqual(live);
      expect(rebuilt).toMatchObject({ rows: 2, parked: 1 });
    } finally {
      client.release();
    }
  });
});
