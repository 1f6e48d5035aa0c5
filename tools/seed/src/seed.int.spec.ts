import {
  MessageHeaders,
  OrderEventSchema,
  topology,
  upcastOrderEvent,
  type OrderEvent,
} from '@switchyard/contracts';
import { createKafka, EventProducer, KafkaAdmin, type ConsumedRecord } from '@switchyard/messaging';
import { cleanupNamespace, readTopicUntil, testEnv, uniqueNamespace } from '@switchyard/testkit';
import { defaultStart } from './order-lifecycles';
import { seedOrderEvents } from './seed-order-events';

const quiet = { log() {}, warn() {}, error() {} };
const EVENTS = 3_000;
const ORDERS = 1_400;

describe('seed (real Kafka)', () => {
  const namespace = uniqueNamespace('seed');
  const names = topology(namespace);
  const topic = names.kafka.topics.orderEvents;
  let records: ConsumedRecord[];

  beforeAll(async () => {
    const kafka = createKafka({
      clientId: names.kafka.clientId('seed-test'),
      brokers: testEnv.KAFKA_BROKERS,
      logger: quiet,
    });
    const admin = new KafkaAdmin(kafka);
    await admin.connect();
    await admin.ensureTopics([topic]);
    await admin.disconnect();
    const producer = new EventProducer(kafka);
    await producer.connect();
    try {
      // A batch smaller than the total, so several sends (and their ordering) are covered.
      const result = await seedOrderEvents(producer, {
        topic: topic.name,
        events: EVENTS,
        orders: ORDERS,
        v1Share: 0.2,
        batch: 700,
        seed: 7,
        start: defaultStart(ORDERS),
      });
      expect(result).toMatchObject({ events: EVENTS, orders: ORDERS });
    } finally {
      await producer.disconnect();
    }
    records = await readTopicUntil(topic.name, (seen) => seen.length >= EVENTS);
  });

  afterAll(async () => {
    await cleanupNamespace(namespace);
  });

  const parse = (record: ConsumedRecord): OrderEvent =>
    OrderEventSchema.parse(JSON.parse(record.value!.toString('utf8')));

  it('writes exactly the events asked for, for the orders asked for', () => {
    expect(records).toHaveLength(EVENTS);
    expect(new Set(records.map((record) => record.key)).size).toBe(ORDERS);
  });

  it('writes only records the projection can read: every one upcasts through the contracts', () => {
    const rejected = records
      .map((record) => upcastOrderEvent(JSON.parse(record.value!.toString('utf8'))))
      .filter((result) => !result.ok);
    expect(rejected).toEqual([]);
  });

  it('spreads the orders over every partition', () => {
    const partitions = new Set(records.map((record) => record.partition));
    expect([...partitions].sort()).toEqual(
      Array.from({ length: topic.partitions }, (_, index) => index),
    );
  });

  it('keeps each order on one partition, with aggregate versions 1..n in offset order', () => {
    const byKey = new Map<string, ConsumedRecord[]>();
    for (const record of records)
      byKey.set(record.key!, [...(byKey.get(record.key!) ?? []), record]);
    for (const [key, ofOrder] of byKey) {
      expect(new Set(ofOrder.map((record) => record.partition)).size).toBe(1);
      const inOffsetOrder = [...ofOrder].sort((a, b) =>
        Number(BigInt(a.offset) - BigInt(b.offset)),
      );
      const events = inOffsetOrder.map(parse);
      expect(events.every((event) => event.aggregateId === key)).toBe(true);
      expect(events.map((event) => event.aggregateVersion)).toEqual(
        events.map((_, index) => index + 1),
      );
    }
  });

  it('writes OrderPlaced in both v1 and v2, and the later event types too', () => {
    const kinds = new Set(
      records.map(parse).map((event) => `${event.type} v${event.schemaVersion}`),
    );
    expect([...kinds].sort()).toEqual([
      'OrderCancelled v1',
      'OrderConfirmed v1',
      'OrderPlaced v1',
      'OrderPlaced v2',
    ]);
  });

  it('sets the envelope headers and the record time the way the bridge does', () => {
    for (const record of records.slice(0, 100)) {
      const event = parse(record);
      expect(record.headers[MessageHeaders.eventId]).toBe(event.eventId);
      expect(record.headers[MessageHeaders.eventType]).toBe(event.type);
      expect(record.headers[MessageHeaders.schemaVersion]).toBe(String(event.schemaVersion));
      expect(new Date(Number(record.timestamp)).toISOString()).toBe(event.occurredAt);
    }
  });
});
