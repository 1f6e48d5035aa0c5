import { benchTopology, type PlaceOrderRequest } from '@switchyard/contracts';
import {
  cleanupNamespace,
  startService,
  uniqueNamespace,
  type ServiceProcess,
} from '@switchyard/testkit';
import { httpPoster } from '../load/http';
import { runOpenLoop } from '../load/open-loop';
import type { BenchContext, Figures, Measurement, MeasurementResult } from '../measurement';
import { jsonPayload } from '../payload';
import { connectRaw, rawRequest } from '../raw/raw-nats';
import { findProcesses, memoryOf, sampleMemory } from '../report/proc';
import { startChildServer } from '../services/child-server';
import { ratio, type Ratio } from '../stats/ratios';

const SERVICES = ['gateway', 'orders', 'bridge', 'projector'] as const;
const ORDER: PlaceOrderRequest = {
  customerId: 'bench-rss',
  region: 'eu-west',
  items: [{ sku: 'SKU-1', quantity: 1 }],
};

/** Idle RSS after the process settled: the median of a few samples a little apart. */
async function idleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(memoryOf(pid)?.rssMb ?? Number.NaN);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return samples.sort((a, b) => a - b)[2]!;
}

/**
 * ### 8. Idle and loaded RSS of each service vs a bare nats.js worker; broker RSS.
 *
 * Every service runs as its own process in one namespace. Idle = settled after start-up;
 * loaded = the highest RSS sampled while orders flow through the whole spine (HTTP →
 * orders → JetStream → bridge → Kafka → projector → Postgres) at a fixed rate. The bare
 * worker gets the same rate of NATS requests. Broker figures are whole processes shared
 * with anything else using them on this machine.
 */
export const memory: Measurement = {
  id: '8',
  title: 'Idle and loaded RSS of each service vs a bare nats.js worker; broker RSS',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const namespace = uniqueNamespace('bench');
    const names = benchTopology(namespace);
    const env = { SWITCHYARD_NAMESPACE: namespace, LOG_LEVEL: 'info' };
    const started: ServiceProcess[] = [];
    const { loadRate, loadSeconds } = profile.rss;
    const ours: Figures = {};
    const raw: Figures = {};
    const ratios: Record<string, Ratio> = {};
    const subject = names.nats.subjects.requestReply('raw');
    const worker = await startChildServer('raw-nats-worker.js', {
      BENCH_SUBJECT: subject,
      BENCH_QUEUE: names.nats.queues.responders,
    });
    try {
      for (const app of SERVICES)
        started.push(await startService({ app, env, label: `bench-${app}` }));
      const brokers = {
        natsServer: findProcesses('nats-server')[0]?.pid,
        kafkaBroker: findProcesses('kafka.Kafka')[0]?.pid,
      };
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // let start-up garbage settle
      for (const service of started)
        ours[`${service.name.replace('bench-', '')}IdleRssMb`] = await idleRss(service.child.pid!);
      raw.bareWorkerIdleRssMb = await idleRss(worker.child.pid!);
      for (const [name, pid] of Object.entries(brokers))
        if (pid) raw[`${name}IdleRssMb`] = await idleRss(pid);

      const samplers = started.map((service) => ({
        service,
        sampler: sampleMemory(service.child.pid!),
      }));
      const brokerSamplers = Object.entries(brokers).flatMap(([name, pid]) =>
        pid ? [{ name, sampler: sampleMemory(pid) }] : [],
      );
      const gateway = started.find((service) => service.name === 'bench-gateway')!;
      const poster = httpPoster(`${gateway.url}/orders`, JSON.stringify(ORDER));
      const load = await runOpenLoop(poster.post, {
        rate: loadRate,
        count: loadRate * loadSeconds,
        timeoutMs: 15_000,
      });
      poster.close();
      for (const { service, sampler } of samplers) {
        ours[`${service.name.replace('bench-', '')}LoadedRssMb`] = sampler.stop().maxRssMb;
      }
      for (const { name, sampler } of brokerSamplers)
        raw[`${name}LoadedRssMb`] = sampler.stop().maxRssMb;
      log(`  spine load: ${load.completed} orders placed, ${load.failed} failed`);

      const workerSampler = sampleMemory(worker.child.pid!);
      const nc = await connectRaw('bench-rss-requester');
      const body = JSON.stringify(jsonPayload(profile.payloadBytes));
      await runOpenLoop(() => rawRequest(nc, subject, body), {
        rate: loadRate,
        count: loadRate * loadSeconds,
        timeoutMs: 15_000,
      });
      await nc.close();
      raw.bareWorkerLoadedRssMb = workerSampler.stop().maxRssMb;

      for (const app of SERVICES) {
        ratios[`${app}Idle`] = ratio(
          `${app} idle RSS ÷ bare nats.js worker idle RSS`,
          ours[`${app}IdleRssMb`]!,
          raw.bareWorkerIdleRssMb,
        );
        ratios[`${app}Loaded`] = ratio(
          `${app} loaded RSS ÷ bare nats.js worker loaded RSS`,
          ours[`${app}LoadedRssMb`]!,
          raw.bareWorkerLoadedRssMb,
        );
      }
    } finally {
      for (const service of started.reverse()) await service.stop();
      await worker.stop();
      await cleanupNamespace(namespace);
    }
    return {
      id: this.id,
      title: this.title,
      oursLabel: 'gateway, orders, bridge, projector: each its own Node process',
      rawLabel:
        'a bare nats.js worker process (one queue subscription answering requests); brokers as found',
      ours,
      raw,
      ratios,
      settings: {
        loadRatePerSec: loadRate,
        loadSeconds,
        sampleEveryMs: 100,
        brokers: 'nats-server and the Kafka JVM are shared with every other user of this machine',
      },
      notes: [],
    };
  },
};
