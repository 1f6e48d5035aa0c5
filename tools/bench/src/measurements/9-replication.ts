import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { benchTopology } from '@switchyard/contracts';
import { ensureStream } from '@switchyard/messaging';
import { uniqueNamespace } from '@switchyard/testkit';
import type { Producer } from 'kafkajs';
import { runConcurrent, runOpenLoop, runSequential, warmUp } from '../load/open-loop';
import type { BenchContext, Figures, Measurement, MeasurementResult } from '../measurement';
import { jsonPayload } from '../payload';
import { benchEnv } from '../env';
import { BENCH_STREAMS } from '../raw/bench-streams';
import { connectRaw } from '../raw/raw-nats';
import { createTopic, deleteTopics, idempotentProducer, rawKafka, sendOne } from '../raw/raw-kafka';
import { clusterAddresses } from '../services/clusters';
import { latencyFigures, median, medianSummary, type LatencySummary } from '../stats/latency';
import { ratio } from '../stats/ratios';

type Side = 'r1' | 'r3';
type Operation = (index: number) => Promise<unknown>;
interface Runs {
  sequential: LatencySummary[];
  fixedRate: LatencySummary[];
  /** Operations of the fixed-rate runs that failed or were still pending at the deadline. */
  failed: number;
  throughput: number[];
}

/** What the article says replication costs (/work/shared/seed, "Kafka: the producer side"). */
const ARTICLE =
  'acks=all "adds latency proportional to your replication factor"; JetStream persistence ' +
  'alone "adds 2–5ms to P99 latency for acknowledged publishes" (no figure for R3).';

/**
 * ### 9. Replication's cost: JetStream R3 ÷ R1, Kafka acks=all at RF 3 ÷ RF 1.
 *
 * On the 3-node clusters (ADR 0037), one run, the two sides alternating: the same
 * publisher appends to a stream with 1 replica and to one with 3 (each PubAck then waits
 * for a majority -- 2 of 3 -- to have stored the message), and the same idempotent
 * producer sends with acks=all to a topic with replication factor 1 and to one with 3 and
 * min ISR 2 (the leader answers once every in-sync follower has fetched the record).
 * "Ours" is the replicated side, "raw" the single copy: the ratios are what durability
 * across machines costs. All nodes share this machine's disk and 2 cores, so replication
 * here costs CPU and fsync, not network: a lower bound of what a real network adds.
 */
export const replication: Measurement = {
  id: '9',
  title: 'Replication cost: JetStream R3 vs R1, Kafka acks=all RF 3 vs RF 1 (3-node clusters)',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const { natsUrl, kafkaBrokers } = await clusterAddresses(log);
    const names = benchTopology(uniqueNamespace('bench'));
    const body = JSON.stringify(jsonPayload(profile.payloadBytes));
    const settings = profile.replication;

    const nc = await connectRaw('bench-replication', { ...benchEnv, NATS_URL: natsUrl });
    const kafka = rawKafka(names.kafka.clientId('replication'), kafkaBrokers);
    let producer: Producer | undefined;
    const nats: Record<Side, Runs> = { r1: emptyRuns(), r3: emptyRuns() };
    const kafkaRuns: Record<Side, Runs> = { r1: emptyRuns(), r3: emptyRuns() };
    try {
      const publish = await replicatedStreams(nc, names);
      await createTopic(kafka, names.kafka.topics.rf1.name, 1, { 'min.insync.replicas': '1' }, 1);
      await createTopic(kafka, names.kafka.topics.rf3.name, 1, { 'min.insync.replicas': '2' }, 3);
      producer = await idempotentProducer(kafka);
      const send = (topic: string) => () => sendOne(producer!, topic, body);
      const ops = {
        nats: { r1: publish.r1(body), r3: publish.r3(body) },
        kafka: { r1: send(names.kafka.topics.rf1.name), r3: send(names.kafka.topics.rf3.name) },
      };
      for (let rep = 0; rep < profile.repetitions; rep++) {
        // Alternate which side goes first, so a machine that slows down mid-run does not
        // always penalise the same side.
        const order: Side[] = rep % 2 === 0 ? ['r1', 'r3'] : ['r3', 'r1'];
        for (const side of order) {
          await measure(ops.nats[side], nats[side], settings, profile.warmUp);
          await measure(ops.kafka[side], kafkaRuns[side], settings, profile.warmUp);
        }
        log(`  repetition ${rep + 1}/${profile.repetitions} done`);
      }
    } finally {
      await producer?.disconnect();
      const jsm = await jetstreamManager(nc);
      for (const stream of [names.nats.streams.r1, names.nats.streams.r3]) {
        await jsm.streams.delete(stream.name).catch(() => false);
      }
      await nc.close();
      await deleteTopics(kafka, [names.kafka.topics.rf1.name, names.kafka.topics.rf3.name]);
    }

    const figures = (runs: Runs, prefix: string): Figures => ({
      ...latencyFigures(`${prefix}Sequential`, medianSummary(runs.sequential)),
      ...latencyFigures(`${prefix}FixedRate`, medianSummary(runs.fixedRate)),
      [`${prefix}ThroughputPerSec`]: median(runs.throughput),
      [`${prefix}FixedRateFailed`]: runs.failed,
    });
    return {
      id: this.id,
      title: this.title,
      oursLabel: 'replicated: JetStream stream R3, Kafka topic RF 3 (min ISR 2)',
      rawLabel: 'one copy: JetStream stream R1, Kafka topic RF 1, on the same clusters',
      ours: { ...figures(nats.r3, 'jetstream'), ...figures(kafkaRuns.r3, 'kafka') },
      raw: { ...figures(nats.r1, 'jetstream'), ...figures(kafkaRuns.r1, 'kafka') },
      ratios: {
        ...ratios('JetStream R3 ÷ R1', nats),
        ...ratios('Kafka acks=all RF 3 ÷ RF 1', kafkaRuns, 'kafka'),
      },
      settings: {
        payloadBytes: profile.payloadBytes,
        natsNodes: natsUrl.split(',').length,
        kafkaBrokers: kafkaBrokers.length,
        kafkaAcks: 'all',
        kafkaMinInsyncReplicasRf3: 2,
        sequential: settings.sequential,
        fixedRatePerSec: settings.rate,
        fixedRateMessages: settings.count,
        throughputMessages: settings.burst,
        throughputInFlight: settings.inFlight,
        repetitions: profile.repetitions,
      },
      notes: [
        `The article: ${ARTICLE}`,
        'All nodes of both clusters run on this one machine: followers are reached over ' +
          'loopback and share the disk and the 2 cores, so the ratios measure the work ' +
          'replication adds (a quorum write, fsyncs, follower fetches), not network distance.',
      ],
    };
  },
};

function emptyRuns(): Runs {
  return { sequential: [], fixedRate: [], failed: 0, throughput: [] };
}

/** The R1 and R3 streams (same limits, file storage), made with the services' `ensureStream`. */
async function replicatedStreams(nc: NatsConnection, names: ReturnType<typeof benchTopology>) {
  const jsm = await jetstreamManager(nc);
  const { logger } = BENCH_STREAMS;
  await ensureStream(jsm, names.nats.streams.r1, { replicas: 1, logger });
  await ensureStream(jsm, names.nats.streams.r3, { replicas: 3, logger });
  const js = jetstream(nc);
  const publisher =
    (replicas: 1 | 3) =>
    (body: string): Operation =>
    async () => {
      await js.publish(names.nats.subjects.replicated(replicas), body);
    };
  return { r1: publisher(1), r3: publisher(3) };
}

async function measure(
  operation: Operation,
  runs: Runs,
  settings: { sequential: number; rate: number; count: number; burst: number; inFlight: number },
  warmUpCount: number,
): Promise<void> {
  await warmUp(operation, warmUpCount);
  runs.sequential.push(await runSequential(operation, settings.sequential));
  const open = await runOpenLoop(operation, {
    rate: settings.rate,
    count: settings.count,
    timeoutMs: 10_000,
  });
  // Counted, not thrown: on a saturated machine the replicated side may fall behind the
  // rate, and that is a result (its latencies then only describe the operations that made it).
  runs.failed += open.failed;
  runs.fixedRate.push(open.latency);
  runs.throughput.push(await runConcurrent(operation, settings.burst, settings.inFlight));
}

function ratios(label: string, runs: Record<Side, Runs>, prefix = 'jetstream') {
  const seq = (side: Side) => medianSummary(runs[side].sequential);
  const open = (side: Side) => medianSummary(runs[side].fixedRate);
  const tput = (side: Side) => median(runs[side].throughput);
  return {
    [`${prefix}SequentialP50`]: ratio(`${label}, p50 (sequential)`, seq('r3').p50, seq('r1').p50),
    [`${prefix}FixedRateP99`]: ratio(`${label}, p99 (fixed rate)`, open('r3').p99, open('r1').p99),
    [`${prefix}Throughput`]: ratio(`${label}, throughput`, tput('r3'), tput('r1')),
  };
}
