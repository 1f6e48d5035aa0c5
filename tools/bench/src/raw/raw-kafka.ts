import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { benchEnv } from '../env';

/**
 * ### The raw kafkajs twin.
 *
 * Everywhere else kafkajs stays inside packages/messaging (ADR 0002). The bench is the one
 * place that imports it directly, on purpose: a raw-client twin must be the client with
 * nothing of ours in between, or the ratio would compare our code with itself (ADR 0009).
 * Every import of kafkajs in the bench is in a `raw-*.ts` file.
 */
export function rawKafka(clientId: string, brokers: string[] = benchEnv.KAFKA_BROKERS): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

export interface RawRecord {
  key: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

/** The same producer settings as our `EventProducer`: idempotent, one request in flight, acks=all. */
export async function idempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** A plain producer (no idempotence) for the ladder and for filling topics quickly. */
export async function plainProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** Sends `records` in batches of `batchSize`, one `send` at a time, each with acks=all. */
export async function sendBatches(
  producer: Producer,
  topic: string,
  records: RawRecord[],
  batchSize: number,
): Promise<void> {
  for (let i = 0; i < records.length; i += batchSize) {
    await producer.send({ topic, acks: -1, messages: records.slice(i, i + batchSize) });
  }
}

/** One record per send, acks=all, no batching delay: kafkajs has no linger, so this is linger 0. */
export async function sendOne(producer: Producer, topic: string, value: string): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ value }] });
}

/**
 * `configs`: topic settings such as `retention.ms`; `replicationFactor`: the broker's default
 * when left out (measurement 9 sets 1 and 3, with `min.insync.replicas` in `configs`).
 */
export async function createTopic(
  kafka: Kafka,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
  replicationFactor?: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: name,
          numPartitions: partitions,
          configEntries: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
          ...(replicationFactor !== undefined && { replicationFactor }),
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, names: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}

/** The ladder's Kafka receiver: every record's JSON `i` goes to `onMessage`. Resolves once the group is joined. */
export async function consumeIndexes(
  kafka: Kafka,
  groupId: string,
  topic: string,
  onMessage: (index: number) => void,
): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve) =>
    consumer.on(consumer.events.GROUP_JOIN, () => resolve()),
  );
  await consumer.run({
    eachMessage: async ({ message }) => {
      onMessage((JSON.parse(message.value!.toString()) as { i: number }).i);
    },
  });
  await joined;
  return consumer;
}

/**
 * The rebuild's twin: a fresh group reads the whole topic with `eachBatch` and a handler
 * that does nothing. Returns events/s from `connect()` to the last end offset (group join
 * included, as it is in the rebuild's own timing).
 */
export async function replayNoOp(
  kafka: Kafka,
  groupId: string,
  topic: string,
  endOffsets: Map<number, bigint>,
  timeoutMs: number,
): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  const group = `${groupId}-${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId: group });
  const positions = new Map<number, bigint>();
  let events = 0;
  const caughtUp = () =>
    [...endOffsets].every(
      ([partition, end]) => end === 0n || (positions.get(partition) ?? 0n) >= end,
    );
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      partitionsConsumedConcurrently: endOffsets.size,
      eachBatch: async ({ batch }) => {
        // The no-op handler: count and move on.
        events += batch.messages.length;
        positions.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
        if (caughtUp()) done();
      },
    });
    const timer = setTimeout(done, timeoutMs);
    await finished;
    clearTimeout(timer);
    if (!caughtUp()) throw new Error(`raw replay did not catch up within ${timeoutMs} ms`);
    return { events, seconds: (performance.now() - started) / 1_000 };
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  }
}
