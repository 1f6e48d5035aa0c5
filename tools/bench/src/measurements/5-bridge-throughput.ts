import { performance } from 'node:perf_hooks';
import { benchTopology, topology } from '@switchyard/contracts';
import { cleanupNamespace, startService, uniqueNamespace, waitFor } from '@switchyard/testkit';
import type { BenchContext, Measurement, MeasurementResult } from '../measurement';
import {
  createTopic,
  deleteTopics,
  idempotentProducer,
  rawKafka,
  sendBatches,
} from '../raw/raw-kafka';
import { connectRaw } from '../raw/raw-nats';
import { appendToOrdersStream, asKafkaRecord, orderEvents } from '../services/events';
import { openAdmin, totalEndOffset } from '../services/offsets';
import { median } from '../stats/latency';
import { ratio } from '../stats/ratios';

/** The bridge's default batch size (BRIDGE_BATCH_SIZE): the raw producer sends batches of the same size. */
const BATCH_SIZE = 200;

/**
 * The real bridge process drains N events that wait in JetStream. Its throughput is
 * measured over the window in which Kafka's end offsets move: from the first sample that
 * saw records to the sample that saw all N, so process start-up is not counted.
 */
async function bridgeRun(events: number, log: (m: string) => void): Promise<number> {
  const namespace = uniqueNamespace('bench');
  const names = topology(namespace);
  const nc = await connectRaw('bench-bridge-feeder');
  const admin = await openAdmin('bench-bridge-watch');
  try {
    await appendToOrdersStream(nc, names, orderEvents(events));
    const bridge = await startService({
      app: 'bridge',
      env: { SWITCHYARD_NAMESPACE: namespace, BRIDGE_BATCH_SIZE: String(BATCH_SIZE) },
      label: 'bench-bridge',
    });
    try {
      const topic = names.kafka.topics.orderEvents.name;
      let first: { at: number; count: number } | undefined;
      const last = await waitFor(
        `${events} events on Kafka`,
        async () => {
          const count = await totalEndOffset(admin, topic);
          const at = performance.now();
          if (count > 0 && !first) first = { at, count };
          return count >= events ? { at, count } : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      if (!first || last.at === first.at)
        throw new Error('the bridge forwarded everything before the first sample');
      const rate = (last.count - first.count) / ((last.at - first.at) / 1_000);
      log(`  bridge: ${events} events, ${rate.toFixed(0)} events/s`);
      return rate;
    } finally {
      await bridge.stop();
    }
  } finally {
    await admin.disconnect();
    await nc.close();
    await cleanupNamespace(namespace);
  }
}

/** The raw twin: a kafkajs idempotent producer sends the same records in batches of the same size. */
async function rawRun(events: number, log: (m: string) => void): Promise<number> {
  const names = benchTopology(uniqueNamespace('bench'));
  const topic = names.kafka.topics.rawProduce;
  const kafka = rawKafka(names.kafka.clientId('raw-producer'));
  await createTopic(kafka, topic.name, topic.partitions);
  const records = orderEvents(events).map(asKafkaRecord);
  const producer = await idempotentProducer(kafka);
  try {
    const started = performance.now();
    await sendBatches(producer, topic.name, records, BATCH_SIZE);
    const rate = events / ((performance.now() - started) / 1_000);
    log(`  raw idempotent producer: ${events} events, ${rate.toFixed(0)} events/s`);
    return rate;
  } finally {
    await producer.disconnect();
    await deleteTopics(kafka, [topic.name]);
  }
}

/**
 * ### 5. Bridge throughput (JetStream → Kafka) vs a raw kafkajs idempotent producer.
 *
 * Both sides produce with `idempotent: true`, `maxInFlightRequests: 1`, `acks: -1` in
 * batches of 200 records of the same bytes. The bridge additionally pulls each batch from
 * JetStream (the next pull overlapping this send), validates every envelope and acks the
 * batch after Kafka acked: the ratio is what that safety costs (ADR 0017).
 */
export const bridgeThroughput: Measurement = {
  id: '5',
  title:
    'Bridge throughput (JetStream → Kafka, acks=all, idempotent) vs raw kafkajs idempotent producer',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const events = profile.bridge.events;
    const ours: number[] = [];
    const raw: number[] = [];
    for (let rep = 0; rep < profile.throughputRepetitions; rep++) {
      raw.push(await rawRun(events, log));
      ours.push(await bridgeRun(events, log));
    }
    const oursRate = median(ours);
    const rawRate = median(raw);
    return {
      id: this.id,
      title: this.title,
      oursLabel:
        'apps/bridge process: JetStream pull (batch 200, next pull prefetched) → EventProducer.send → ack the batch',
      rawLabel:
        'kafkajs idempotent producer, maxInFlightRequests 1, acks=all, send() of 200 records at a time',
      ours: { eventsPerSec: oursRate },
      raw: { eventsPerSec: rawRate },
      ratios: {
        throughput: ratio('bridge events/s ÷ raw idempotent producer events/s', oursRate, rawRate, {
          op: '>=',
          limit: 0.7,
        }),
      },
      settings: {
        events,
        batchSize: BATCH_SIZE,
        partitions: 3,
        messageBytes: asKafkaRecord(orderEvents(1)[0]!).value.length,
        repetitions: profile.throughputRepetitions,
      },
      notes: [],
    };
  },
};
