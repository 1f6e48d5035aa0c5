import { NamespaceSchema } from './namespace';
import type { StreamDefinition } from './topology';

const MiB = 1024 * 1024;

/**
 * ### Names used only by the lesson scenarios (`npm run scenario`), never by a service.
 *
 * The lessons on consumer groups, partitions and slow consumers talk to the brokers
 * directly, not to the demo. Like the bench, every run takes a fresh namespace (a run id),
 * so two runs (or two tests) never share a topic, a group, a stream or a subject, and a
 * run never touches a live system's names. The telemetry lesson uses the real
 * `telemetry.<site>.<device>.<metric>` family of `topology()`, in its run's namespace.
 */
export function lessonTopology(namespace: string) {
  const ns = NamespaceSchema.parse(namespace);
  const dotted = (name: string) => (ns ? `${ns}.${name}` : name);
  const upper = (name: string) => (ns ? `${ns.toUpperCase()}_${name}` : name);
  const slowFeed = dotted('lessons.slow.feed');

  return {
    nats: {
      subjects: {
        /** rebalance: the work a NATS queue group shares (core NATS). */
        rebalanceWork: dotted('lessons.rebalance.work'),
        /** slow-consumer: one fast feed, read by a core subscriber and captured by a stream. */
        slowFeed,
      },
      queues: { rebalance: 'lessons-rebalance' },
      streams: {
        /**
         * Captures every core publish on the slow-consumer feed ON PURPOSE: the same
         * messages the core subscriber is offered are kept for the pull consumer.
         */
        slowFeed: {
          name: upper('LESSONS_SLOW_FEED'),
          subjects: [slowFeed],
          duplicateWindowMs: 60_000,
          // Deleted at the end of each run; bounded in case a run dies first.
          maxAgeMs: 3_600_000,
          maxBytes: 256 * MiB,
          discard: 'new',
        },
      } satisfies Record<string, StreamDefinition>,
      consumers: { slowFeedPuller: upper('LESSONS_SLOW_PULLER') },
    },
    kafka: {
      topics: {
        /** partitions: three partitions, one consumer too many. */
        partitions: { name: dotted('lessons.partitions'), partitions: 3 },
        /** rebalance: two partitions, so a second member has something to take. */
        rebalance: { name: dotted('lessons.rebalance'), partitions: 2 },
        /** slow-consumer: the feed's Kafka twin. */
        slowFeed: { name: dotted('lessons.slow.feed'), partitions: 1 },
      },
      groups: {
        partitions: dotted('lessons.partitions'),
        rebalance: dotted('lessons.rebalance'),
        slowFeed: dotted('lessons.slow.feed'),
      },
      clientId: (role: string) => dotted(`lessons.${role}`),
    },
  } as const;
}

export type LessonTopology = ReturnType<typeof lessonTopology>;
