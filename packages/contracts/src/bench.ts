import { NamespaceSchema } from './namespace';
import type { StreamDefinition } from './topology';

/**
 * ### Names used only by the benchmark (`npm run bench`), never by a service.
 *
 * The bench measures each Switchyard path next to a raw-client twin. The twins need
 * subjects, streams and topics of their own; they live here, beside `topology()`, so no
 * file spells one inline. The bench always runs in a fresh namespace (like the tests),
 * so a bench run never touches a live system's names.
 */
export function benchTopology(namespace: string) {
  const ns = NamespaceSchema.parse(namespace);
  const dotted = (name: string) => (ns ? `${ns}.${name}` : name);
  const upper = (name: string) => (ns ? `${ns.toUpperCase()}_${name}` : name);

  return {
    nats: {
      subjects: {
        /** Request-reply: raw nats.js responder vs a NestJS `@MessagePattern` (one each). */
        requestReply: (side: 'raw' | 'nest') => dotted(`bench.rr.${side}`),
        /** Core pub/sub fan-out. */
        fanout: (side: 'raw' | 'nest') => dotted(`bench.fanout.${side}`),
        /** The latency ladder's core NATS hop. */
        ladderCore: dotted('bench.ladder.core'),
        /** `npm run trial`: the reader's workload over core NATS (outside the bench stream). */
        trialCore: dotted('bench.trial.core'),
        /** Captured by the bench stream: JetStream publish with ack. */
        jetstream: (name: string) => dotted(`bench.js.${name}`),
        allJetstream: dotted('bench.js.>'),
        /** Replication's cost (measurement 9): one subject per stream, R1 and R3. */
        replicated: (replicas: 1 | 3) => dotted(`bench.r${replicas}.publish`),
      },
      queues: {
        responders: 'bench-responders',
        /** The trial's competing consumers of fan-out subscriber `k`. */
        trial: (k: number) => `bench-trial-${k}`,
      },
      streams: {
        bench: {
          name: upper('BENCH'),
          subjects: [dotted('bench.js.>')],
          duplicateWindowMs: 120_000,
          // Deleted after each run; bounded in case a run dies first. A bench that fills
          // it loses its oldest messages, not its measurement.
          maxAgeMs: 3_600_000,
          maxBytes: 1024 * 1024 * 1024,
          discard: 'old',
        },
        /** Measurement 9, on a 3-node cluster: the same stream with 1 and with 3 replicas. */
        r1: replicatedStream(upper('BENCH_R1'), dotted('bench.r1.>')),
        r3: replicatedStream(upper('BENCH_R3'), dotted('bench.r3.>')),
      } satisfies Record<string, StreamDefinition>,
      consumers: {
        ladder: upper('BENCH_LADDER'),
        /** The trial's durable for fan-out subscriber `k` (its pullers compete on it). */
        trial: (k: number) => upper(`BENCH_TRIAL_${k}`),
      },
    },
    kafka: {
      topics: {
        /** The ladder's Kafka hop: one partition, so produce → consume order is simple. */
        ladder: { name: dotted('bench.ladder'), partitions: 1 },
        /** The raw idempotent producer's target (bridge twin). */
        rawProduce: { name: dotted('bench.raw-produce'), partitions: 3 },
        /** Measurement 9, on a 3-broker cluster: acks=all at replication factor 1 and 3. */
        rf1: { name: dotted('bench.rf1'), partitions: 1 },
        rf3: { name: dotted('bench.rf3'), partitions: 1 },
        /** The trial's topic: its partition count is the shape's consumer count. */
        trial: { name: dotted('bench.trial') },
      },
      groups: {
        ladder: dotted('bench.ladder'),
        /** The trial's group for fan-out subscriber `k` (its members compete). */
        trial: (k: number) => dotted(`bench.trial.${k}`),
        /** A fresh group per raw eachBatch replay, so it starts at offset zero. */
        rawReplay: (runId: string) => dotted(`bench.raw-replay.${runId}`),
      },
      clientId: (role: string) => dotted(`bench.${role}`),
    },
  } as const;
}

/** A bench stream that only differs from its twin in name and subjects; replicas are the run's. */
function replicatedStream(name: string, subject: string): StreamDefinition {
  return {
    name,
    subjects: [subject],
    duplicateWindowMs: 120_000,
    maxAgeMs: 3_600_000,
    maxBytes: 256 * 1024 * 1024,
    discard: 'old',
  };
}

export type BenchTopology = ReturnType<typeof benchTopology>;
