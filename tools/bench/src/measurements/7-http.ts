import type { PlaceOrderRequest } from '@switchyard/contracts';
import { cleanupNamespace, startService, uniqueNamespace } from '@switchyard/testkit';
import { saturate, httpPoster } from '../load/http';
import { runOpenLoop, warmUp } from '../load/open-loop';
import type { BenchContext, Figures, Measurement, MeasurementResult } from '../measurement';
import { startChildServer } from '../services/child-server';
import { latencyFigures, median, medianSummary, type LatencySummary } from '../stats/latency';
import { ratio, type Ratio } from '../stats/ratios';

const ORDER: PlaceOrderRequest = {
  customerId: 'bench-customer',
  region: 'eu-west',
  items: [{ sku: 'SKU-1', quantity: 1 }],
};

/**
 * ### 7. HTTP order placement through the gateway vs a raw Fastify hello-world.
 *
 * Ours: `POST /orders` → gateway (Nest + Fastify, zod) → NATS request-reply → orders
 * (decide, append to JetStream with dedupe and an expected sequence, wait for the PubAck,
 * publish the notification) → reply → 201. The twin answers the same request in-process.
 * The ratio is therefore the whole cost of a durable write path, not of Nest alone.
 * Open-loop at fixed rates (latency from the intended send time), then an autocannon
 * closed-loop run for the saturation throughput.
 */
export const httpPlacement: Measurement = {
  id: '7',
  title: 'HTTP POST /orders through the gateway vs raw Fastify hello-world',
  async run({ profile, log }: BenchContext): Promise<MeasurementResult> {
    const namespace = uniqueNamespace('bench');
    const env = { SWITCHYARD_NAMESPACE: namespace, LOG_LEVEL: 'warn' };
    const body = JSON.stringify(ORDER);
    const ours: Figures = {};
    const raw: Figures = {};
    const ratios: Record<string, Ratio> = {};
    const orders = await startService({
      app: 'orders',
      env: { ...env, LOG_LEVEL: 'info' },
      label: 'bench-orders',
    });
    const gateway = await startService({
      app: 'gateway',
      env: { ...env, LOG_LEVEL: 'info' },
      label: 'bench-gateway',
    });
    const twin = await startChildServer('raw-fastify-server.js');
    const targets = { ours: `${gateway.url}/orders`, raw: `${twin.url}/orders` };
    try {
      const posters = { ours: httpPoster(targets.ours, body), raw: httpPoster(targets.raw, body) };
      for (const side of ['raw', 'ours'] as const) await warmUp(posters[side].post, profile.warmUp);
      for (const rate of profile.http.rates) {
        const count = rate * profile.http.seconds;
        const runs: Record<'ours' | 'raw', LatencySummary[]> = { ours: [], raw: [] };
        for (let rep = 0; rep < profile.throughputRepetitions; rep++) {
          for (const side of rep % 2 === 0
            ? (['raw', 'ours'] as const)
            : (['ours', 'raw'] as const)) {
            const result = await runOpenLoop(posters[side].post, {
              rate,
              count,
              timeoutMs: 15_000,
            });
            if (result.failed > 0)
              log(`  ${side} at ${rate}/s: ${result.failed} of ${count} requests failed`);
            runs[side].push(result.latency);
          }
        }
        Object.assign(ours, latencyFigures(`at${rate}PerSec`, medianSummary(runs.ours)));
        Object.assign(raw, latencyFigures(`at${rate}PerSec`, medianSummary(runs.raw)));
        ratios[`p99At${rate}`] = ratio(
          `gateway p99 ÷ raw Fastify p99 at ${rate} req/s`,
          ours[`at${rate}PerSecP99Ms`]!,
          raw[`at${rate}PerSecP99Ms`]!,
        );
        log(
          `  ${rate} req/s: gateway p99 ${ours[`at${rate}PerSecP99Ms`]} ms, raw p99 ${raw[`at${rate}PerSecP99Ms`]} ms`,
        );
      }
      posters.ours.close();
      posters.raw.close();
      const saturation = { ours: [] as number[], raw: [] as number[] };
      for (let rep = 0; rep < profile.throughputRepetitions; rep++) {
        for (const side of ['raw', 'ours'] as const) {
          const result = await saturate(targets[side], body, profile.http.saturationSeconds);
          if (result.non2xx > 0 || result.errors > 0) {
            log(`  autocannon ${side}: ${result.non2xx} non-2xx, ${result.errors} errors`);
          }
          saturation[side].push(result.requestsPerSec);
        }
      }
      ours.saturationRequestsPerSec = median(saturation.ours);
      raw.saturationRequestsPerSec = median(saturation.raw);
      ratios.saturation = ratio(
        'gateway ÷ raw Fastify saturation req/s (autocannon, 16 connections)',
        ours.saturationRequestsPerSec,
        raw.saturationRequestsPerSec,
      );
    } finally {
      await twin.stop();
      await gateway.stop();
      await orders.stop();
      await cleanupNamespace(namespace);
    }
    return {
      id: this.id,
      title: this.title,
      oursLabel:
        'gateway → NATS → orders → JetStream append (PubAck) → 201, each a separate process',
      rawLabel: 'Fastify POST /orders answering 201 at once, a separate process',
      ours,
      raw,
      ratios,
      settings: {
        rates: profile.http.rates.join('/'),
        secondsPerRate: profile.http.seconds,
        saturationSeconds: profile.http.saturationSeconds,
        saturationConnections: 16,
        repetitions: profile.throughputRepetitions,
        client:
          'open loop: node:http keep-alive agent in the bench process; saturation: autocannon',
      },
      notes: [],
    };
  },
};
