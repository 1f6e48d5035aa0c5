import { operationsLessonTopology, type OperationsLessonTopology } from '@switchyard/contracts';
import { BatchConsumer, ensureStream, EventProducer, KafkaAdmin } from '@switchyard/messaging';
import { uniqueNamespace } from '@switchyard/testkit';
import type { ScenarioContext } from '../context';
import { seconds, until } from '../poll';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface ReplayToJetStreamOptions {
  /** Keyed events written to Kafka before the migration. */
  events: number;
  /** Distinct keys (aggregates) they are spread over. */
  keys: number;
}

export interface ReplayToJetStreamOutcome {
  /** Records in the Kafka topic (sum of its partitions' end offsets). */
  kafkaRecords: number;
  /** Messages in the stream after the first pass. */
  streamMessages: number;
  keys: number;
  /** Keys whose JetStream subject holds exactly the Kafka key's events, in Kafka's order. */
  keysInKafkaOrder: number;
  /** First pass: from the reader's start (group join included) to the last PubAck… */
  replayMs: number;
  /** …and from the first record to the last PubAck: the copy's own rate. */
  copyMs: number;
  eventsPerSecond: number;
  /** Second pass over the same history: PubAcks JetStream flagged as duplicates… */
  rerunDuplicates: number;
  /** …and the stream's size after it (unchanged: nothing stored twice). */
  streamMessagesAfterRerun: number;
}

const quiet = { log() {}, warn() {}, error() {} };

/** One event of the history: the `n`-th change of aggregate `key`. */
interface HistoryEvent {
  key: string;
  n: number;
}

/** Writes `events` keyed events round-robin over `keys` keys, in chunks of one send each. */
async function writeHistory(
  context: ScenarioContext,
  topic: string,
  { events, keys }: ReplayToJetStreamOptions,
): Promise<void> {
  const producer = new EventProducer(context.kafka());
  await producer.connect();
  try {
    const next = new Map<string, number>();
    for (let start = 0; start < events; start += 500) {
      const chunk = Array.from({ length: Math.min(500, events - start) }, (_, i) => {
        const key = `k${String((start + i) % keys).padStart(4, '0')}`;
        const n = (next.get(key) ?? 0) + 1;
        next.set(key, n);
        return { key, value: JSON.stringify({ key, n } satisfies HistoryEvent) };
      });
      await producer.send(topic, chunk);
    }
  } finally {
    await producer.disconnect();
  }
}

interface PassResult {
  stored: number;
  duplicates: number;
  ms: number;
  /** From the first record handed to the pass to the end. */
  copyMs: number;
  /** Per key, the event numbers in the order Kafka delivered them. */
  kafkaOrder: Map<string, number[]>;
}

/**
 * ### One migration pass: read the topic from offset 0 to its end, publish into the stream.
 *
 * The end is fixed when the pass starts (the history to move); a real migration then
 * keeps the consumer running, or switches writers, for what arrives after. Each record
 * becomes a message on its key's subject with `Nats-Msg-Id` = topic/partition/offset:
 * the record's identity, the same on every pass, so a pass that is cut short and run
 * again stores nothing twice (within the stream's duplicate window).
 */
async function migrate(
  context: ScenarioContext,
  names: OperationsLessonTopology,
  pass: number,
): Promise<PassResult> {
  const topic = names.kafka.topics.history.name;
  const admin = new KafkaAdmin(context.kafka());
  await admin.connect();
  const ends = await admin.endOffsets(topic);
  const caughtUp = new Set([...ends].filter(([, end]) => end === 0n).map(([p]) => p));
  const result: PassResult = {
    stored: 0,
    duplicates: 0,
    ms: 0,
    copyMs: 0,
    kafkaOrder: new Map(),
  };
  let firstRecordAt: number | undefined;
  const groupId = names.kafka.groups.migration(pass);
  const reader = new BatchConsumer(context.kafka(), {
    groupId,
    topic,
    fromBeginning: true,
    commitOffsets: false,
    maxWaitTimeInMs: 100,
    logger: quiet,
    handle: async (records) => {
      firstRecordAt ??= performance.now();
      const partition = records[0]?.partition ?? -1;
      const end = ends.get(partition) ?? 0n;
      const history = records.filter((record) => BigInt(record.offset) < end);
      // Published concurrently on one connection: NATS keeps a connection's order, so
      // the stream stores them in offset order, as a key's events must be.
      const acks = await Promise.all(
        history.map((record) => {
          const event = JSON.parse(String(record.value)) as HistoryEvent;
          appendTo(result.kafkaOrder, event.key, event.n);
          return context.js.publish(names.nats.subjects.migrated(event.key), record.value ?? '', {
            msgID: `${record.topic}/${record.partition}/${record.offset}`,
          });
        }),
      );
      for (const ack of acks) {
        if (ack.duplicate) result.duplicates += 1;
        else result.stored += 1;
      }
      const last = records[records.length - 1];
      if (last && BigInt(last.offset) + 1n >= end) caughtUp.add(partition);
    },
  });
  const started = performance.now();
  try {
    await reader.start();
    await until(`pass ${pass} to reach the end of ${topic}`, () => caughtUp.size === ends.size);
    const finished = performance.now();
    result.ms = finished - started;
    result.copyMs = finished - (firstRecordAt ?? started);
  } finally {
    await reader.stop();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return result;
}

/** Reads the whole stream back (an ordered consumer) and groups the event numbers by key. */
async function streamOrder(
  context: ScenarioContext,
  names: OperationsLessonTopology,
  expected: number,
): Promise<Map<string, number[]>> {
  const byKey = new Map<string, number[]>();
  const consumer = await context.js.consumers.get(names.nats.streams.migrated.name);
  const messages = await consumer.consume();
  let seen = 0;
  try {
    for await (const message of messages) {
      const event = message.json<HistoryEvent>();
      appendTo(byKey, event.key, event.n);
      seen += 1;
      if (seen === expected) break;
    }
  } finally {
    await messages.close();
  }
  return byKey;
}

function appendTo(byKey: Map<string, number[]>, key: string, n: number): void {
  const list = byKey.get(key);
  if (list) list.push(n);
  else byKey.set(key, [n]);
}

function sameOrder(a: readonly number[] = [], b: readonly number[] = []): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/**
 * ### replay-to-jetstream: migration is asymmetric.
 *
 * A consumer moving from Kafka to JetStream cannot simply subscribe: the history it
 * needs is in Kafka, so it must first be copied into a stream. This writes a keyed
 * history to a topic, replays it into a stream (one subject per key), compares counts
 * and each key's order, times it, and runs the replay again to show the `Nats-Msg-Id`
 * dedupe. The other way needs no replay: the bridge copies JetStream into Kafka as it
 * happens, so Kafka already holds everything.
 */
export const replayToJetStream: Scenario<
  ReplayToJetStreamOutcome,
  ScenarioOptions & ReplayToJetStreamOptions
> = {
  name: 'replay-to-jetstream',
  claim: 'migration cost is asymmetric: moving a consumer to JetStream means replaying Kafka first',
  summary:
    'replays a keyed Kafka history into a JetStream stream, compares counts and per-key order, re-runs it without duplicates',
  standalone: true,
  flags: [
    { flags: '--events <n>', description: 'keyed events in the Kafka history', defaultValue: 5000 },
    { flags: '--keys <n>', description: 'distinct keys (aggregates)', defaultValue: 50 },
  ],
  async run(context, options) {
    const { narrator } = context;
    const names = operationsLessonTopology(uniqueNamespace('l'));
    const topic = names.kafka.topics.history;
    const stream = names.nats.streams.migrated;
    const admin = new KafkaAdmin(context.kafka());
    await admin.connect();
    try {
      narrator.step(
        `Writing ${options.events} events for ${options.keys} keys to Kafka topic ${topic.name} (${topic.partitions} partitions)`,
      );
      await admin.ensureTopics([{ name: topic.name, partitions: topic.partitions }]);
      await writeHistory(context, topic.name, options);
      const offsets = await admin.partitionOffsets(topic.name);
      const kafkaRecords = offsets.reduce((sum, p) => sum + Number(p.high - p.low), 0);
      narrator.saw(
        `Kafka holds ${kafkaRecords} records: ` +
          offsets.map((p) => `partition ${p.partition} → ${p.high}`).join(', '),
      );

      narrator.step(
        `Replaying them into stream ${stream.name}, one subject per key (${names.nats.subjects.allMigrated}), Nats-Msg-Id = topic/partition/offset`,
      );
      await ensureStream(context.jsm, stream, { replicas: 1, logger: quiet });
      const first = await migrate(context, names, 1);
      const eventsPerSecond = Math.round((first.stored / Math.max(first.copyMs, 1)) * 1_000);
      const streamMessages = (await context.jsm.streams.info(stream.name)).state.messages;
      narrator.saw(
        `stored ${first.stored} messages in ${seconds(first.ms)} (joining the consumer group, then ` +
          `${seconds(first.copyMs)} of copying: ${eventsPerSecond} events/s); the stream holds ${streamMessages}`,
      );

      const fromStream = await streamOrder(context, names, streamMessages);
      const keysInKafkaOrder = [...first.kafkaOrder].filter(([key, order]) =>
        sameOrder(order, fromStream.get(key)),
      ).length;
      narrator.saw(
        `per key: ${keysInKafkaOrder}/${first.kafkaOrder.size} keys hold exactly Kafka's events in Kafka's order`,
      );

      narrator.step('Running the same replay again (a migration cut short and restarted)');
      const second = await migrate(context, names, 2);
      const streamMessagesAfterRerun = (await context.jsm.streams.info(stream.name)).state.messages;
      narrator.saw(
        `${second.duplicates} PubAcks said "duplicate", ${second.stored} stored; the stream still holds ${streamMessagesAfterRerun}`,
      );
      narrator.conclude(
        `Moving a consumer from Kafka to JetStream costs a replay: ${kafkaRecords} records had to ` +
          `be copied (${seconds(first.ms)} here) before the stream could serve the ` +
          `history, and a real migration's history is years, not thousands. The record's ` +
          `coordinates as Nats-Msg-Id make the copy safe to restart. The other way costs ` +
          `nothing extra: the bridge (apps/bridge) already copies every JetStream order event ` +
          `into Kafka as it happens, so Kafka holds the full history the day a consumer moves there.`,
      );
      return {
        kafkaRecords,
        streamMessages,
        keys: first.kafkaOrder.size,
        keysInKafkaOrder,
        replayMs: Math.round(first.ms),
        copyMs: Math.round(first.copyMs),
        eventsPerSecond,
        rerunDuplicates: second.duplicates,
        streamMessagesAfterRerun,
      };
    } finally {
      await context.jsm.streams.delete(stream.name).catch(() => false);
      await admin.deleteTopics([topic.name]).catch(() => undefined);
      await admin.disconnect();
    }
  },
};
