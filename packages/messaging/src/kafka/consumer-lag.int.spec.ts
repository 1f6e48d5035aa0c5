import { randomBytes } from 'node:crypto';
import type { Admin, Producer } from 'kafkajs';
import { createKafka } from './kafka';
import { KafkaAdmin } from './kafka-admin';

// This package sits below the testkit, so it reads the broker address itself (same default).
const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
const quiet = { log() {}, warn() {}, error() {} };

describe('consumerGroupLag on a real broker', () => {
  const suffix = randomBytes(5).toString('hex');
  const topic = `t${suffix}.lag`;
  const groupId = `t${suffix}.group`;
  const kafka = createKafka({ clientId: `t${suffix}`, brokers, logger: quiet });
  const admin = new KafkaAdmin(kafka);
  let raw: Admin;
  let producer: Producer;

  beforeAll(async () => {
    raw = kafka.admin();
    // Idempotent: the topic is brand new, and a send kafkajs retries after "not the leader"
    // must not store the records twice (CI run 11: 10 records on partition 0, not 5).
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([admin.connect(), raw.connect(), producer.connect()]);
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    await producer.send({
      topic,
      messages: [
        ...Array.from({ length: 5 }, (_, i) => ({ partition: 0, value: `a${i}` })),
        ...Array.from({ length: 3 }, (_, i) => ({ partition: 1, value: `b${i}` })),
      ],
    });
  });

  afterAll(async () => {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics([topic]);
    await Promise.all([admin.disconnect(), raw.disconnect(), producer.disconnect()]);
  });

  it('counts every record as lag for a group that never committed', async () => {
    await expect(admin.consumerGroupLag(groupId, topic)).resolves.toEqual([
      { partition: 0, committedOffset: null, endOffset: 5, lag: 5 },
      { partition: 1, committedOffset: null, endOffset: 3, lag: 3 },
    ]);
  });

  it('subtracts what the group committed', async () => {
    // setOffsets commits for a group without active members: what a consumer's commit does.
    await raw.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });

    await expect(admin.consumerGroupLag(groupId, topic)).resolves.toEqual([
      { partition: 0, committedOffset: 2, endOffset: 5, lag: 3 },
      { partition: 1, committedOffset: null, endOffset: 3, lag: 3 },
    ]);
  });
});
