import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { BatchConsumer } from '../kafka/batch-consumer';
import { createKafka } from '../kafka/kafka';
import { KafkaAdmin } from '../kafka/kafka-admin';

// This package sits below the testkit, so it reads the broker address itself (same default).
const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim());
const quiet = { log() {}, warn() {}, error() {} };

async function until<T>(what: string, probe: () => Promise<T | false> | T | false): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('BatchConsumer pause and resume on a real broker', () => {
  const suffix = randomBytes(5).toString('hex');
  const topic = `t${suffix}.pause`;
  const groupId = `t${suffix}.group`;
  const kafka = createKafka({ clientId: `t${suffix}`, brokers, logger: quiet });
  const admin = new KafkaAdmin(kafka);
  const handled: string[] = [];
  /** What a second, never-paused group on the same topic handled: the later marker. */
  const control: string[] = [];
  let producer: Producer;
  let consumer: BatchConsumer;
  let controlConsumer: BatchConsumer;

  const lag = async () =>
    (await admin.consumerGroupLag(groupId, topic)).reduce((sum, p) => sum + p.lag, 0);
  const send = (values: string[]) =>
    producer.send({ topic, messages: values.map((value) => ({ value })) });

  beforeAll(async () => {
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.ensureTopics([{ name: topic, partitions: 2 }]);
    consumer = new BatchConsumer(kafka, {
      groupId,
      topic,
      fromBeginning: true,
      partitionsConsumedConcurrently: 2,
      logger: quiet,
      handle: async (records) => {
        handled.push(...records.map((record) => record.value!.toString()));
      },
    });
    controlConsumer = new BatchConsumer(kafka, {
      groupId: `${groupId}.control`,
      topic,
      fromBeginning: true,
      partitionsConsumedConcurrently: 2,
      logger: quiet,
      handle: async (records) => {
        control.push(...records.map((record) => record.value!.toString()));
      },
    });
    await Promise.all([consumer.start(), controlConsumer.start()]);
  });

  afterAll(async () => {
    await Promise.all([consumer.stop(), controlConsumer.stop()]);
    await admin.deleteGroups([groupId, `${groupId}.control`]).catch(() => undefined);
    await admin.deleteTopics([topic]);
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  it('paused: records wait as lag, the handler sees none; resumed: the lag drains', async () => {
    await send(['before']);
    await until('the first record', () => handled.includes('before'));
    await until('its commit', async () => (await lag()) === 0);

    await consumer.pause();
    expect(consumer.isPaused).toBe(true);
    await send(Array.from({ length: 6 }, (_, i) => `paused-${i}`));
    // Lag is end offset minus committed offset: it grows to 6 as soon as they are written,
    // so it says nothing about whether the paused consumer would have fetched them yet.
    // The later marker: a consumer of the same kind that is not paused, started with this
    // one, fetched and handled all six. Only then does "the paused one handled none" mean
    // the pause held them back, not that it had not got round to them.
    await until('the unpaused group to handle all six', () =>
      Array.from({ length: 6 }, (_, i) => `paused-${i}`).every((value) => control.includes(value)),
    );
    expect(handled.filter((value) => value.startsWith('paused-'))).toEqual([]);
    expect(await lag()).toBe(6);

    consumer.resume();
    await until('the backlog to drain', async () => (await lag()) === 0);
    expect(handled.filter((value) => value.startsWith('paused-')).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `paused-${i}`),
    );
  });
});
