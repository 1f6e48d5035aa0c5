import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats, ensureStream, EventProducer, KafkaAdmin } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import { lessonRun } from '../lessons/lesson-run';
import { LimitedNatsServer } from '../lessons/limited-nats-server';
import { pacedKafka, pacedPull, type PacedReader } from '../lessons/paced-readers';
import { SlowSubscriber } from '../lessons/slow-subscriber';
import { kernelSocketBufferBytes } from '../lessons/socket-buffers';
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
 * - a core subscriber's handler gets stuck on the first message, so it stops reading its
 *   socket; the server's buffer for it fills, and the server disconnects it (a "slow
 *   consumer"). Core NATS never slows the publisher down for one subscriber: it protects
 *   itself and everyone else instead. Released, the client reconnects, and what was in
 *   flight is gone.
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
    {
      flags: '--messages <n>',
      description:
        'messages in the burst, at least (more until the server cuts the subscriber off)',
      defaultValue: 5_000,
    },
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
        `Three readers, ${workMs} ms of work per message each: a core subscriber on ${subject} ` +
          `(its handler gets stuck on the first message until we release it), ` +
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

      // At least `messages`, then more until the server gives its verdict: the kernel's
      // buffers on both ends of the stuck subscriber's socket absorb the first few MiB, and
      // how much depends on the machine. Bounded at twice what they could ever hold plus
      // max_pending: past that, no verdict means the server really let it through.
      const chunk = Math.max(1, Math.floor((512 * 1024) / size));
      const ceiling = Math.max(
        messages,
        Math.ceil((2 * (kernelSocketBufferBytes() + maxPendingKib * 1024)) / size),
      );
      narrator.step(
        `Publishing a burst of at least ${messages} × ${size} B on core NATS, and the same to ` +
          `Kafka, until the server counts a slow consumer (at most ${ceiling})`,
      );
      const slowBefore = await server.slowConsumers();
      let peakPullBehind = 0;
      let peakKafkaBehind = 0;
      let sent = 0;
      const watch = setInterval(() => {
        peakPullBehind = Math.max(peakPullBehind, sent - pulled.seen.size);
        peakKafkaBehind = Math.max(peakKafkaBehind, sent - consumed.seen.size);
      }, 50);
      try {
        while (sent < ceiling) {
          const count = Math.min(chunk, ceiling - sent);
          const batch = Array.from({ length: count }, (_, offset) =>
            String(sent + offset + 1).padEnd(size, '.'),
          );
          // Core NATS takes the chunk at the speed of the network: nothing in the protocol
          // slows the publisher for the stuck subscriber's sake. Kafka gets the same chunk in
          // one request, well under its 1 MiB limit (message.max.bytes).
          for (const payload of batch) nc.publish(subject, payload);
          await Promise.all([
            nc.flush(),
            producer.send(
              topic.name,
              batch.map((payload) => ({ key: payload.slice(0, 16).trim(), value: payload })),
            ),
          ]);
          sent += count;
          if (sent >= messages && (await server.slowConsumers()) > slowBefore) break;
        }
        narrator.saw(`published ${sent} messages; releasing the stuck core subscriber`);
        core.release();
        await until(
          'the pull consumer and the Kafka consumer to catch up',
          () => pulled.seen.size >= sent && consumed.seen.size >= sent,
          Math.max(60_000, sent * workMs * 4),
        );
      } finally {
        clearInterval(watch);
      }
      // Released, the subscriber first works through what its socket still held, then reads
      // the end of the connection the server closed: that is when its client says
      // `disconnect`. Waited for, but not required: the outcome reports what happened.
      const coreClient = core;
      await until(
        'the core subscriber to notice the server closed its connection',
        async () => (await coreClient.report()).statuses.includes('disconnect'),
        Math.max(30_000, sent * workMs * 2),
      ).catch(() => undefined);
      const report = await core.report();
      const outcome: SlowConsumerOutcome = {
        published: sent,
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
        `core subscriber: received ${outcome.core.received}/${sent}; its client saw ` +
          `${outcome.core.statuses.join(', ') || 'nothing'}; the server counts ` +
          `${outcome.core.serverSlowConsumers} slow consumer(s) (closed: ${outcome.core.closedReasons.join(', ') || 'none'})`,
      );
      narrator.saw(
        `JetStream pull consumer: received ${outcome.jetstream.received}/${sent}, at worst ${outcome.jetstream.peakBehind} behind`,
      );
      narrator.saw(
        `Kafka consumer: received ${outcome.kafka.received}/${sent}, at worst ${outcome.kafka.peakBehind} behind`,
      );
      narrator.conclude(
        `Core NATS has no backpressure towards the publisher: a subscriber that cannot keep up ` +
          `is disconnected by the server (slow_consumers ${outcome.core.serverSlowConsumers}), and ` +
          `${sent - outcome.core.received} messages never reached it. The two logs let their ` +
          `readers lag instead: the JetStream pull consumer asks for what it can take, the Kafka ` +
          `consumer's lag grows; both caught up with all ${sent}. Use core NATS where a reader ` +
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
