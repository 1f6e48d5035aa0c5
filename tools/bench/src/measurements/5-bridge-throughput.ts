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
import { ownCpuMsDuring, pidsOf, sampleCpu } from '../report/cpu';
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
/** CPU µs per event of each process, over one side's measured window. */
type CpuPerEvent = Record<string, number>;

interface Run {
  rate: number;
  cpu: CpuPerEvent;
}

async function bridgeRun(events: number, log: (m: string) => void): Promise<Run> {
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
    // CPU of the bridge, the broker and nats-server (which delivers and takes the acks).
    const samplers = {
      node: sampleCpu(() => [bridge.child.pid!]),
      broker: sampleCpu(pidsOf('kafka.Kafka')),
      natsServer: sampleCpu(pidsOf('nats-server')),
    };
    // CPU ms used so far, per process kind.
    const cpuNow = (): Record<string, number> => ({
      node: samplers.node.usedMs(),
      broker: samplers.broker.usedMs(),
      natsServer: samplers.natsServer.usedMs(),
    });
    try {
      const topic = names.kafka.topics.orderEvents.name;
      let first: { at: number; count: number; cpu: Record<string, number> } | undefined;
      const last = await waitFor(
        `${events} events on Kafka`,
        async () => {
          const count = await totalEndOffset(admin, topic);
          const at = performance.now();
          if (count > 0 && !first) first = { at, count, cpu: cpuNow() };
          return count >= events ? { at, count, cpu: cpuNow() } : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 20 },
      );
      if (!first || last.at === first.at)
        throw new Error('the bridge forwarded everything before the first sample');
      const forwarded = last.count - first.count;
      const rate = forwarded / ((last.at - first.at) / 1_000);
      const cpu: CpuPerEvent = {};
      for (const key of Object.keys(last.cpu))
        cpu[key] = ((last.cpu[key]! - first.cpu[key]!) * 1_000) / forwarded;
      log(`  bridge: ${events} events, ${rate.toFixed(0)} events/s`);
      return { rate, cpu };
    } finally {
      for (const sampler of Object.values(samplers)) sampler.stop();
      await bridge.stop();
    }
  } finally {
    await admin.disconnect();
    await nc.close();
    await cleanupNamespace(namespace);
  }
}

/** The raw twin: a kafkajs idempotent producer sends the same records in batches of the same size. */
async function rawRun(events: number, log: (m: string) => void): Promise<Run> {
  const names = benchTopology(uniqueNamespace('bench'));
  const topic = names.kafka.topics.rawProduce;
  const kafka = rawKafka(names.kafka.clientId('raw-producer'));
  await createTopic(kafka, topic.name, topic.partitions);
  const records = orderEvents(events).map(asKafkaRecord);
  const producer = await idempotentProducer(kafka);
  try {
    const broker = sampleCpu(pidsOf('kafka.Kafka'));
    const started = performance.now();
    const { cpuMs } = await ownCpuMsDuring(() =>
      sendBatches(producer, topic.name, records, BATCH_SIZE),
    );
    const rate = events / ((performance.now() - started) / 1_000);
    const cpu = { node: (cpuMs * 1_000) / events, broker: (broker.stop() * 1_000) / events };
    log(`  raw idempotent producer: ${events} events, ${rate.toFixed(0)} events/s`);
    return { rate, cpu };
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
    const ours: Run[] = [];
    const raw: Run[] = [];
    for (let rep = 0; rep < profile.throughputRepetitions; rep++) {
      raw.push(await rawRun(events, log));
      ours.push(await bridgeRun(events, log));
    }
    const oursRate = median(ours.map((run) => run.rate));
    const rawRate = median(raw.map((run) => run.rate));
    const cpuOf = (runs: Run[], key: string) => median(runs.map((run) => run.cpu[key]!));
    const oursCpu = {
      node: cpuOf(ours, 'node'),
      broker: cpuOf(ours, 'broker'),
      natsServer: cpuOf(ours, 'natsServer'),
    };
    const rawCpu = { node: cpuOf(raw, 'node'), broker: cpuOf(raw, 'broker') };
    const oursCpuTotal = oursCpu.node + oursCpu.broker + oursCpu.natsServer;
    const rawCpuTotal = rawCpu.node + rawCpu.broker;
    return {
      id: this.id,
      title: this.title,
      oursLabel:
        'apps/bridge process: JetStream pull (batch 200, next pull prefetched) → EventProducer.send → ack the batch',
      rawLabel:
        'kafkajs idempotent producer, maxInFlightRequests 1, acks=all, send() of 200 records at a time',
      ours: {
        eventsPerSec: oursRate,
        cpuMicrosPerEventNode: oursCpu.node,
        cpuMicrosPerEventBroker: oursCpu.broker,
        cpuMicrosPerEventNatsServer: oursCpu.natsServer,
        cpuMicrosPerEventTotal: oursCpuTotal,
      },
      raw: {
        eventsPerSec: rawRate,
        cpuMicrosPerEventNode: rawCpu.node,
        cpuMicrosPerEventBroker: rawCpu.broker,
        cpuMicrosPerEventTotal: rawCpuTotal,
      },
      ratios: {
        cpu: ratio('CPU per event, all processes: raw twin ÷ bridge', rawCpuTotal, oursCpuTotal),
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
      notes: [
        "cpuMicrosPerEvent*: CPU time per event read from /proc (every 200 ms) over each side's measured window: the bridge process, the Kafka broker and nats-server (which delivers the JetStream messages and takes the acks); for the twin, the bench process during its sends and the broker. Both sides are CPU-bound, so on a machine whose cores are all busy the throughput ratio follows the CPU ratio (ADR 0020). The broker's figure also holds its background work in that window (deleting the previous repetition's topics): it is the noisiest.",
      ],
    };
  },
};
