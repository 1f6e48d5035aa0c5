import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { envelopeHeaders, MessageHeaders, topology } from '@switchyard/contracts';
import { connectNats, createKafka, EventProducer, toNatsHeaders } from '@switchyard/messaging';
import {
  anOrderPlaced,
  cleanupNamespace,
  readTopicUntil,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Client } from 'pg';
import { RouteForwarder } from './route-forwarder';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * The bridge's crash window: Kafka has acked, JetStream has not. The event must reach
 * Kafka again after the restart (at-least-once) and the read model must still hold the
 * order exactly once (the projector dedupes).
 */
describe('bridge crash between the Kafka ack and the JetStream ack', () => {
  const namespace = uniqueNamespace();
  const names = topology(namespace);
  const route = names.bridgeRoutes[0];
  const env = { SWITCHYARD_NAMESPACE: namespace, BRIDGE_ACK_WAIT_MS: '1000' };
  const services: ServiceProcess[] = [];
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'bridge-crash-test' });
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  it('redelivers after the crash; Kafka holds the event twice, the read model once', async () => {
    // A first bridge run declares the streams, the durable consumer and the topics.
    const firstRun = await startService({ app: 'bridge', env, label: 'bridge-first' });
    await firstRun.stop();

    const orderId = randomUUID();
    const event = anOrderPlaced({ aggregateId: orderId });
    const js = jetstream(nc);
    await js.publish(names.nats.subjects.orderEvents(orderId), JSON.stringify(event), {
      msgID: event.eventId,
      headers: toNatsHeaders(envelopeHeaders(event)),
    });

    // ### The crash: the bridge's own forwarding code produces to Kafka and gets the
    // ack, then the process "dies" (its connection closes) before acking JetStream.
    const crashing = await connectNats({ settings: testEnv, name: 'bridge-about-to-crash' });
    const consumer = await jetstream(crashing).consumers.get(route.stream, route.durable);
    const message = await consumer.next({ expires: 5_000 });
    expect(message?.subject).toBe(names.nats.subjects.orderEvents(orderId));
    const producer = new EventProducer(
      createKafka({ clientId: 'crashing-bridge', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
    );
    await producer.connect();
    const dispositions = await new RouteForwarder(producer, route, false).forward([message!]);
    expect(dispositions).toEqual([{ kind: 'ack' }]);
    await producer.disconnect();
    await crashing.close(); // no ack was sent

    // ### The restart: JetStream redelivers after ack_wait, the bridge forwards again.
    services.push(await startService({ app: 'bridge', env, label: 'bridge-restarted' }));
    services.push(await startService({ app: 'projector', env, label: 'projector' }));

    const records = await readTopicUntil(
      route.topic,
      (seen) => seen.filter((record) => record.key === orderId).length >= 2,
    );
    const copies = records.filter((record) => record.key === orderId);
    // At-least-once: the copy from before the crash and at least one after it.
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(copies.every((record) => record.headers[MessageHeaders.eventId] === event.eventId)).toBe(
      true,
    );

    const jsm = await jetstreamManager(nc);
    await waitFor('JetStream to see the redelivered message acked', async () => {
      const info = await jsm.consumers.info(route.stream, route.durable);
      return info.num_ack_pending === 0 && info.num_pending === 0 && info.delivered.stream_seq >= 1;
    });

    const pg = new Client({ connectionString: testEnv.DATABASE_URL });
    await pg.connect();
    try {
      const rows = await waitFor('the order in the read model', async () => {
        const result = await pg.query<{ order_id: string; version: number }>(
          `SELECT order_id, version FROM "${names.postgres.schema}".orders WHERE order_id = $1`,
          [orderId],
        );
        return result.rowCount ? result.rows : undefined;
      });
      expect(rows).toEqual([{ order_id: orderId, version: 1 }]);
      // Every copy was consumed: the checkpoint moved past the last one too.
      const lastCopy = copies[copies.length - 1]!;
      await waitFor('the projector to pass every copy', async () => {
        const { rows: checkpoints } = await pg.query<{ next_offset: string }>(
          `SELECT next_offset FROM "${names.postgres.schema}".checkpoints WHERE topic = $1 AND partition = $2`,
          [route.topic, lastCopy.partition],
        );
        return checkpoints[0] && BigInt(checkpoints[0].next_offset) > BigInt(lastCopy.offset);
      });
      const { rowCount } = await pg.query(
        `SELECT 1 FROM "${names.postgres.schema}".orders WHERE order_id = $1`,
        [orderId],
      );
      expect(rowCount).toBe(1);
    } finally {
      await pg.end();
    }
  });
});
