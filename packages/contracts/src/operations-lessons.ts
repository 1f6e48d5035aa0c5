import { NamespaceSchema } from './namespace';
import type { StreamDefinition } from './topology';

const MiB = 1024 * 1024;
const HOUR_MS = 3_600_000;

/** What a key must look like to become one subject token (no `.`, `*`, `>` or spaces). */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * ### Names used only by the operations lessons (`npm run scenario`), never by a service.
 *
 * Leaf nodes (13), replication (15) and the Kafka → JetStream migration (16) talk to
 * brokers directly, not to the demo. Every run takes a fresh namespace (a run id), so two
 * runs, or two tests, never share a subject, a stream, a topic or a group, and a run never
 * touches a live system's names. Each scenario deletes what it created.
 */
export function operationsLessonTopology(namespace: string) {
  const ns = NamespaceSchema.parse(namespace);
  const dotted = (name: string) => (ns ? `${ns}.${name}` : name);
  const upper = (name: string) => (ns ? `${ns.toUpperCase()}_${name}` : name);
  const allMigrated = dotted('lessons.migrated.>');
  // Deleted at the end of each run; bounded in case a run dies first.
  const bounded = { maxAgeMs: HOUR_MS, maxBytes: 256 * MiB, discard: 'new' } as const;

  return {
    nats: {
      subjects: {
        /**
         * replay-to-jetstream: one subject per Kafka key, so a JetStream consumer can
         * filter one key's history as a Kafka consumer cannot (it reads whole partitions).
         */
        migrated: (key: string) => {
          if (!SUBJECT_TOKEN.test(key))
            throw new Error(`key '${key}' is not a subject token: map it to one before migrating`);
          return dotted(`lessons.migrated.${key}`);
        },
        allMigrated,
        /** leaf-node: a service that runs on the hub, asked from the edge. */
        hubService: dotted('lessons.leaf.hub.service'),
        /** leaf-node: a service that runs on the edge itself, asked from the edge. */
        edgeService: dotted('lessons.leaf.edge.service'),
        /** replication: what the R1 and the R3 stream capture. */
        replicatedR1: dotted('lessons.replicated.r1'),
        replicatedR3: dotted('lessons.replicated.r3'),
      },
      streams: {
        /**
         * replay-to-jetstream: the migrated history. The duplicate window covers a re-run
         * of the migration: every record's `Nats-Msg-Id` is its Kafka coordinates, so a
         * second pass stores nothing twice.
         */
        migrated: {
          name: upper('LESSONS_MIGRATED'),
          subjects: [allMigrated],
          duplicateWindowMs: HOUR_MS,
          ...bounded,
        },
        replicatedR1: {
          name: upper('LESSONS_R1'),
          subjects: [dotted('lessons.replicated.r1')],
          duplicateWindowMs: 60_000,
          ...bounded,
        },
        replicatedR3: {
          name: upper('LESSONS_R3'),
          subjects: [dotted('lessons.replicated.r3')],
          duplicateWindowMs: 60_000,
          ...bounded,
        },
      } satisfies Record<string, StreamDefinition>,
    },
    kafka: {
      topics: {
        /** replay-to-jetstream: the history to migrate, keyed, over three partitions. */
        history: { name: dotted('lessons.history'), partitions: 3 },
        /** replication: one partition each, so every send waits on the same leader. */
        replicatedRf1: { name: dotted('lessons.replicated.rf1'), partitions: 1 },
        replicatedRf3: { name: dotted('lessons.replicated.rf3'), partitions: 1 },
      },
      groups: {
        /** replay-to-jetstream: the migration's reader (a fresh group per pass). */
        migration: (pass: number) => dotted(`lessons.migration.${pass}`),
      },
      clientId: (role: string) => dotted(`lessons.${role}`),
    },
  } as const;
}

export type OperationsLessonTopology = ReturnType<typeof operationsLessonTopology>;
