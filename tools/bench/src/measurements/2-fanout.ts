import { benchTopology } from '@switchyard/contracts';
import { uniqueNamespace, waitFor } from '@switchyard/testkit';
import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { Deliveries } from '../load/deliveries';
import { runOpenLoop, type OpenLoopResult } from '../load/open-loop';
import type { BenchContext, Figures, Measurement, MeasurementResult } from '../measurement';
import { jsonPayload } from '../payload';
import { connectRaw } from '../raw/raw-nats';
import { createNestClient, startNestSubscriber } from '../services/nest-nats';
import { latencyFigures, median, medianSummary } from '../stats/latency';
import { ratio, type Ratio } from '../stats/ratios';

interface Side {
  publish(message: { i: number; p: string }): Promise<void> | void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** N raw subscribers, each on its own connection (as N processes would be). */
async function rawSide(
  subject: string,
  subscribers: number,
  deliveries: Deliveries,
): Promise<Side> {
  const publisher = await connectRaw('bench-fanout-publisher');
  const connections: NatsConnection[] = [];
  for (let s = 0; s < subscribers; s++) {
    const nc = await connectRaw(`bench-fanout-subscriber-${s}`);
    nc.subscribe(subject, {
      callback: (error, msg) => {
        if (!error) deliveries.received(msg.json<{ i: number }>().i);
      },
    });
    await nc.flush(); // the subscription is registered on the server before anything is sent
    connections.push(nc);
  }
  return {
    publish: (message) => publisher.publish(subject, JSON.stringify(message)),
    flush: () => publisher.flush(),
    close: async () => {
      await Promise.all([publisher, ...connections].map((nc) => nc.close()));
    },
  };
}

/** N Nest microservices with an `@EventPattern`, and `ClientProxy.emit` as the publisher. */
async function nestSide(
  subject: string,
  subscribers: number,
  deliveries: Deliveries,
): Promise<Side> {
  const client = await createNestClient('gateway');
  const apps: INestMicroservice[] = [];
  for (let s = 0; s < subscribers; s++) {
    apps.push(await startNestSubscriber(subject, (i) => deliveries.received(i)));
  }
  return {
    publish: (message) =>
      new Promise<void>((resolve, reject) => {
        client.emit(subject, message).subscribe({ complete: resolve, error: reject });
      }),
    flush: async () => undefined,
    close: async () => {
      await client.close();
      await Promise.all(apps.map((app) => app.close()));
    },
  };
}

/** Publishes `burst` messages as fast as the publisher can; deliveries/s until all arrived (bounded). */
async function burstThroughput(
  side: Side,
  deliveries: Deliveries,
  burst: number,
  copies: number,
  p: string,
) {
  const before = deliveries.total;
  const started = performance.now();
  for (let i = 0; i < burst; i++) {
    await side.publish({ i: -1, p });
    // Yield now and then so subscribers in this process are not starved by the publisher.
    if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
  await side.flush();
  // Wait until every copy arrived, or until deliveries stop for a second: core NATS drops
  // for slow consumers, and what never arrives must not be waited for until a timeout.
  const expected = before + burst * copies;
  let seen = deliveries.total;
  let progressAt = performance.now();
  await waitFor(
    'fan-out burst delivered or stalled',
    () => {
      if (deliveries.total !== seen) {
        seen = deliveries.total;
        progressAt = performance.now();
      }
      return deliveries.total >= expected || performance.now() - progressAt > 1_000;
    },
    { timeoutMs: 60_000, intervalMs: 5 },
  );
  const seconds = (deliveries.lastDeliveryAt - started) / 1_000;
  const delivered = deliveries.total - before;
  return { deliveredPerSec: delivered / seconds, lost: burst * copies - delivered };
}

/**
 * ### 2. Core pub/sub fan-out to 1, 3 and 10 subscribers.
 *
 * Core NATS is at-most-once: a subscriber that cannot keep up is cut off ("slow consumer")
 * and messages are dropped, never queued. The burst figures therefore also report how many
 * deliveries were lost. Latency is publish → the last of the N subscribers, at a fixed rate.
 */
export const fanout: Measurement = {
  id: '2',
  title: 'Core pub/sub fan-out to 1, 3 and 10 subscribers',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const names = benchTopology(uniqueNamespace('bench'));
    const { subscribers: counts, burst, rate, count } = profile.fanout;
    const { p } = jsonPayload(profile.payloadBytes);
    const ours: Figures = {};
    const raw: Figures = {};
    const ratios: Record<string, Ratio> = {};
    for (const copies of counts) {
      const results: Record<
        'raw' | 'nest',
        { perSec: number[]; lost: number[]; latency: OpenLoopResult[] }
      > = {
        raw: { perSec: [], lost: [], latency: [] },
        nest: { perSec: [], lost: [], latency: [] },
      };
      for (const kind of ['raw', 'nest'] as const) {
        const deliveries = new Deliveries();
        const subject = names.nats.subjects.fanout(kind);
        const side =
          kind === 'raw'
            ? await rawSide(subject, copies, deliveries)
            : await nestSide(subject, copies, deliveries);
        try {
          // Warm-up: a first burst that is not recorded (JIT, connection buffers).
          await burstThroughput(side, deliveries, Math.min(burst, profile.warmUp * 5), copies, p);
          for (let rep = 0; rep < profile.repetitions; rep++) {
            const burstResult = await burstThroughput(side, deliveries, burst, copies, p);
            results[kind].perSec.push(burstResult.deliveredPerSec);
            results[kind].lost.push(burstResult.lost);
            const offset = rep * count;
            const open = await runOpenLoop(
              async (i) => {
                const delivered = deliveries.expect(offset + i, copies);
                await side.publish({ i: offset + i, p });
                await delivered;
              },
              { rate, count, timeoutMs: 10_000 },
            );
            deliveries.clear();
            results[kind].latency.push(open);
          }
        } finally {
          await side.close();
        }
      }
      for (const [kind, figures] of [
        ['raw', raw],
        ['nest', ours],
      ] as const) {
        const r = results[kind];
        figures[`deliveredPerSec${copies}Subs`] = median(r.perSec);
        figures[`lostDeliveries${copies}Subs`] = median(r.lost);
        Object.assign(
          figures,
          latencyFigures(`fixedRate${copies}Subs`, medianSummary(r.latency.map((x) => x.latency))),
        );
      }
      ratios[`throughput${copies}`] = ratio(
        `NestJS ÷ raw deliveries/s, ${copies} subscriber(s)`,
        ours[`deliveredPerSec${copies}Subs`]!,
        raw[`deliveredPerSec${copies}Subs`]!,
      );
      ratios[`p99_${copies}`] = ratio(
        `NestJS ÷ raw p99, ${copies} subscriber(s)`,
        ours[`fixedRate${copies}SubsP99Ms`]!,
        raw[`fixedRate${copies}SubsP99Ms`]!,
      );
      log(`  ${copies} subscriber(s) done`);
    }
    return {
      id: this.id,
      title: this.title,
      oursLabel: 'NestJS ClientProxy.emit → N Nest microservices with @EventPattern',
      rawLabel: 'nats.js publish → N connections with a plain subscription',
      ours,
      raw,
      ratios,
      settings: {
        subscribers: counts.join('/'),
        burstMessages: burst,
        fixedRatePerSec: rate,
        fixedRateMessages: count,
        payloadBytes: profile.payloadBytes,
        repetitions: profile.repetitions,
        process: 'publisher and subscribers in the bench process (2 cores shared)',
      },
      notes: [
        'Deliveries/s counts every copy (N subscribers × messages). Publisher and subscribers share the bench process, so the figures are a floor for separate processes.',
      ],
    };
  },
};
