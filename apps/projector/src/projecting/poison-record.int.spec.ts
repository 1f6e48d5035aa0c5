import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { MessageHeaders, topology, type GetOrderReply } from '@switchyard/contracts';
import {
  connectNats,
  createKafka,
  EventProducer,
  type ConsumedRecord,
} from '@switchyard/messaging';
import {
  anOrderPlaced,
  cleanupNamespace,
  nestRequest,
  readTopicUntil,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * Acceptance 5 of issue #3: a poison record on the orders topic lands in the dead-letter
 * topic with why and where it came from, and the partition keeps moving: the next valid
 * record on the same partition is still projected. Real projector process, real Kafka and
 * Postgres.
 */
describe('projector and poison records', () => {
  const namespace = uniqueNamespace('poison');
  const names = topology(namespace);
  const ordersTopic = names.kafka.topics.orderEvents.name;
  let projector: ServiceProcess;
  let producer: EventProducer;
  let nc: NatsConnection;

  beforeAll(async () => {
    // The projector creates both topics, the schema and its consumer group on start.
    projector = await startService({ app: 'projector', env: { SWITCHYARD_NAMESPACE: namespace } });
    producer = new EventProducer(
      createKafka({ clientId: 'poison-test', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
    );
    await producer.connect();
    nc = await connectNats({ settings: testEnv, name: 'poison-test' });
  });

  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  /** Where each of our records landed (by its marker header), read back from the topic. */
  const positions = (markers: string[]) =>
    readTopicUntil(ordersTopic, (records) =>
      markers.every((marker) => records.some((r) => r.headers['test-marker'] === marker)),
    ).then(
      (records) =>
        new Map(
          records
            .filter((r) => markers.includes(r.headers['test-marker'] ?? ''))
            .map((r) => [r.headers['test-marker']!, r]),
        ),
    );

  const projected = (orderId: string) =>
    waitFor(`order ${orderId} in the read model`, async () => {
      const reply = await nestRequest<GetOrderReply>(nc, names.nats.subjects.getOrder, {
        orderId,
      });
      return reply.response?.found ? reply.response.order : undefined;
    });

  it('dead-letters an unparseable and a schema-invalid record with reason and origin, and projects the next valid record on the same partition', async () => {
    const orderId = randomUUID();
    const valid = anOrderPlaced({ aggregateId: orderId });
    const [notJson, invalid, next] = [randomUUID(), randomUUID(), randomUUID()];
    // One key: Kafka puts all three in one partition, in this order, so the valid record
    // sits right behind the two poison ones.
    await producer.send(ordersTopic, [
      { key: orderId, value: '{"type": "OrderPlaced", ', headers: { 'test-marker': notJson } },
      {
        key: orderId,
        value: JSON.stringify({ type: 'OrderPlaced', schemaVersion: 2, data: { orderId } }),
        headers: { 'test-marker': invalid },
      },
      { key: orderId, value: JSON.stringify(valid), headers: { 'test-marker': next } },
    ]);

    const order = await projected(orderId);
    expect(order).toMatchObject({ orderId, status: 'PLACED', version: 1 });

    const original = await positions([notJson, invalid, next]);
    const letters = await readTopicUntil(names.kafka.topics.deadLetters.name, (records) =>
      [notJson, invalid].every((marker) =>
        records.some((r) => r.headers['test-marker'] === marker),
      ),
    );
    const letter = (marker: string) =>
      letters.find((r) => r.headers['test-marker'] === marker) as ConsumedRecord;

    for (const [marker, reason] of [
      [notJson, 'value is not JSON'],
      [invalid, 'OrderPlaced'],
    ] as const) {
      const from = original.get(marker)!;
      const dead = letter(marker);
      expect(from.partition).toBe(original.get(next)!.partition);
      expect(dead.value?.toString()).toBe(from.value?.toString()); // the bytes, untouched
      expect(dead.key).toBe(orderId);
      expect(dead.headers[MessageHeaders.deadLetterReason]).toContain(reason);
      expect(dead.headers).toMatchObject({
        [MessageHeaders.deadLetterTopic]: ordersTopic,
        [MessageHeaders.deadLetterPartition]: String(from.partition),
        [MessageHeaders.deadLetterOffset]: from.offset,
        [MessageHeaders.deadLetterSource]: `${ordersTopic}:${from.partition}:${from.offset}`,
      });
    }
    // Exactly these two: the valid record was not dead-lettered as well.
    expect(letters.filter((r) => r.key === orderId)).toHaveLength(2);
  });

  it('dead-letters a valid event the database refuses (a NUL character), and the partition keeps moving', async () => {
    const orderId = randomUUID();
    const refused = randomUUID();
    const nextId = randomUUID();
    // Valid JSON and a valid OrderPlaced, but Postgres text and jsonb cannot hold U+0000:
    // this record can be parsed and still never applied.
    const nul = anOrderPlaced({ aggregateId: orderId });
    nul.data = { ...nul.data, orderId, customerId: 'c-\u0000' };
    const behind = anOrderPlaced({ aggregateId: nextId });
    // The same key for both: one partition, the valid one right behind.
    await producer.send(ordersTopic, [
      { key: orderId, value: JSON.stringify(nul), headers: { 'test-marker': refused } },
      { key: orderId, value: JSON.stringify(behind), headers: {} },
    ]);

    expect(await projected(nextId)).toMatchObject({ orderId: nextId, status: 'PLACED' });
    const letters = await readTopicUntil(names.kafka.topics.deadLetters.name, (records) =>
      records.some((r) => r.headers['test-marker'] === refused),
    );
    const dead = letters.find((r) => r.headers['test-marker'] === refused)!;
    expect(dead.headers[MessageHeaders.deadLetterReason]).toMatch(/cannot be applied/);
    expect(dead.headers[MessageHeaders.deadLetterTopic]).toBe(ordersTopic);
  });
});
