import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats, ensureStream, EventProducer, KafkaAdmin } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import { lessonRun } from '../lessons/lesson-run';
import { LimitedNatsServer } from '../lessons/limited-nats-server';
import { pacedKafka, pacedPull, type PacedReader } from '../lessons/paced-readers';
import { SlowSubscriber } from '../lessons/slow-subscriber';
import { until } from '../poll';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface SlowConsumerOptions extends ScenarioOptions {
  messages: number;
  /** Bytes per message. */
  size: number;
  /** CPU time each reader spends on one message. */
  workMs: number;
  /** The lesson server's `max_pending`, in KiB. */
  maxPendingKib: number;
}

export interface SlowConsumerOutcome {
  published: number;
  core: {
    received: number;
    /** The client's connection events (`disconnect`, `reconnect`…). */
    statuses: string[];
    /** `/varz` `slow_consumers` after the run: the server's own count. */
    serverSlowConsumers: number;
    /** `/connz?state=closed`: why the server closed the subscriber's connection(s). */
    closedReasons: string[];
  };
  jetstream: { received: number; peakBehind: number };
  kafka: { received: number; peakBehind: number };
}

const quietReconcile = { log() {}, warn() {}, error() {} };

/**
 * ### slow-consumer: core NATS cuts off who cannot keep up; the logs let them lag.
 *
 * A publisher sends a burst much faster than three readers can handle (each spends the
 * same CPU time per message). On a nats-server of the lesson's own with a small
 * `max_pending`:
 * - a core subscriber stops reading its socket while it works; the server's buffer for it
 *   fills, and the server disconnects it (a "slow consumer"). Core NATS never slows the
 *   publisher down for one subscriber: it protects itself and everyone else instead. The
 *   client reconnects, and what was in flight is gone.
 * - a JetStream pull consumer on a stream that captures the same subject asks for a batch
 *   only when it is ready: it falls behind by thousands and catches up, losing nothing.
 * - a Kafka consumer reading the same burst from a topic builds lag, and catches up.
 */
export const slowConsumer: Scenario<SlowConsumerOutcome, SlowConsumerOptions> = {
  name: 'slow-consumer',
  standalone: true,
  claim: 'core NATS disconnects a slow consumer; JetStream pull and Kafka fall behind and catch up',
  summary:
    'a burst to a slow core subscriber, a JetStream pull consumer and a Kafka consumer, on a nats-server with a small max_pending',
  flags: [
    { flags: '--messages <n>', description: 'messages in the burst', defaultValue: 5_000 },
    { flags: '--size <bytes>', description: 'bytes per message', defaultValue: 4_096 },
    {
      flags: '--work-ms <n>',
      description: 'CPU ms each reader spends per message',
      defaultValue: 1,
    },
    {
      flags: '--max-pending-kib <n>',
      description: 'the lesson server’s max_pending (KiB)',
      defaultValue: 512,
    },
  ],
  async run(context: ScenarioContext, { messages, size, workMs, maxPendingKib }) {
    const { narrator } = context;
    const run = lessonRun();
    const subject = run.names.nats.subjects.slowFeed;
    const stream = run.names.nats.streams.slowFeed;
    const topic = run.names.kafka.topics.slowFeed;
    const groupId = run.names.kafka.groups.slowFeed;

    narrator.step(
      `Starting a nats-server of our own: max_pending ${maxPendingKib} KiB, write_deadline 2 s`,
    );
    const server = await LimitedNatsServer.start({
      maxPendingBytes: maxPendingKib * 1024,
      writeDeadlineMs: 2_000,
    });
    const settings = { ...context.env, NATS_URL: server.url };
    const nc = await connectNats({ settings, name: 'lesson-publisher' });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const admin = new KafkaAdmin(context.kafka());
    const producer = new EventProducer(context.kafka());
    const readers: PacedReader[] = [];
    let core: SlowSubscriber | undefined;
    try {
      await ensureStream(jsm, stream, { replicas: 1, logger: quietReconcile });
      await admin.connect();
      await admin.ensureTopics([topic]);
      await producer.connect();
      narrator.step(
        `Three readers, ${workMs} ms of work per message each: a core subscriber on ${subject}, ` +
          `a JetStream pull consumer on ${stream.name} (which captures ${subject}), a Kafka consumer on ${topic.name}`,
      );
      core = await SlowSubscriber.start(server.url, subject, workMs);
      const pulled = await pacedPull(
        js,
        jsm,
        stream.name,
        run.names.nats.consumers.slowFeedPuller,
        workMs,
      );
      readers.push(pulled);
      const consumed = await pacedKafka(context.kafka(), topic.name, groupId, workMs);
      readers.push(consumed);

      narrator.step(
        `Publishing a burst of ${messages} × ${size} B on core NATS, and the same to Kafka`,
      );
      let peakPullBehind = 0;
      let peakKafkaBehind = 0;
      let natsSent = 0;
      let kafkaSent = 0;
      const watch = setInterval(() => {
        peakPullBehind = Math.max(peakPullBehind, natsSent - pulled.seen.size);
        peakKafkaBehind = Math.max(peakKafkaBehind, kafkaSent - consumed.seen.size);
      }, 50);
      try {
        // Kafka gets it in chunks well under its 1 MiB request limit (message.max.bytes).
        // The two bursts go side by side: neither bus waits for the other.
        const chunk = Math.max(1, Math.floor((512 * 1024) / size));
        const chunks = Array.from({ length: Math.ceil(messages / chunk) }, (_, index) =>
          Array.from({ length: Math.min(chunk, messages - index * chunk) }, (_, offset) =>
            String(index * chunk + offset + 1).padEnd(size, '.'),
          ),
        );
        await Promise.all([
          (async () => {
            // All at once, one flush: core NATS takes a burst at the speed of the network;
            // nothing in the protocol slows the publisher for a subscriber's sake.
            for (const batch of chunks) for (const payload of batch) nc.publish(subject, payload);
            await nc.flush();
            natsSent = messages;
          })(),
          (async () => {
            for (const batch of chunks) {
              await producer.send(
                topic.name,
                batch.map((payload) => ({ key: payload.slice(0, 16).trim(), value: payload })),
              );
              kafkaSent += batch.length;
            }
          })(),
        ]);
        narrator.saw(`published ${messages} messages`);
        await until(
          'the pull consumer and the Kafka consumer to catch up',
          () => pulled.seen.size >= messages && consumed.seen.size >= messages,
          Math.max(60_000, messages * workMs * 4),
        );
      } finally {
        clearInterval(watch);
      }
      const report = await core.report();
      const outcome: SlowConsumerOutcome = {
        published: messages,
        core: {
          received: report.received,
          statuses: report.statuses,
          serverSlowConsumers: await server.slowConsumers(),
          closedReasons: (await server.closedConnections())
            .filter((connection) => connection.name === 'lesson-slow-subscriber')
            .map((connection) => connection.reason ?? 'unknown'),
        },
        jetstream: { received: pulled.seen.size, peakBehind: peakPullBehind },
        kafka: { received: consumed.seen.size, peakBehind: peakKafkaBehind },
      };
      narrator.saw(
        `core subscriber: received ${outcome.core.received}/${messages}; its client saw ` +
          `${outcome.core.statuses.join(', ') || 'nothing'}; the server counts ` +
          `${outcome.core.serverSlowConsumers} slow consumer(s) (closed: ${outcome.core.closedReasons.join(', ') || 'none'})`,
      );
      narrator.saw(
        `JetStream pull consumer: received ${outcome.jetstream.received}/${messages}, at worst ${outcome.jetstream.peakBehind} behind`,
      );
      narrator.saw(
        `Kafka consumer: received ${outcome.kafka.received}/${messages}, at worst ${outcome.kafka.peakBehind} behind`,
      );
      narrator.conclude(
        `Core NATS has no backpressure towards the publisher: a subscriber that cannot keep up ` +
          `is disconnected by the server (slow_consumers ${outcome.core.serverSlowConsumers}), and ` +
          `${messages - outcome.core.received} messages never reached it. The two logs let their ` +
          `readers lag instead: the JetStream pull consumer asks for what it can take, the Kafka ` +
          `consumer's lag grows; both caught up with all ${messages}. Use core NATS where a reader ` +
          `may miss messages (or keeps up), JetStream or Kafka where it may not.`,
      );
      return outcome;
    } finally {
      await Promise.allSettled(readers.map((reader) => reader.stop()));
      await core?.close().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics([topic.name]).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await nc.close().catch(() => undefined);
      await server.stop();
    }
  },
};
