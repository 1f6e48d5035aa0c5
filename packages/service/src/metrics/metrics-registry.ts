import { collectDefaultMetrics, Registry } from 'prom-client';

const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Every Switchyard series starts with this; Node's default series keep their standard names. */
export const METRIC_PREFIX = 'switchyard_';

/**
 * One registry per process, not prom-client's global one: two Nest apps in one test
 * process then never clash over a metric name, and `/metrics` shows exactly this app.
 *
 * The default process and Node.js series (`process_cpu_seconds_total`,
 * `nodejs_eventloop_lag_seconds`, …) keep their standard names, so stock dashboards and
 * alerts work; `service` is a label on every series, so one Prometheus job can scrape
 * them all and still tell them apart.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  // prom-client names three gauges `*_total`, which Prometheus reserves for counters
  // (`promtool check metrics` rejects them). Their per-type twins
  // (`nodejs_active_handles{type}`, …) carry the same numbers: sum them for a total.
  for (const misnamed of MISNAMED_DEFAULT_GAUGES) registry.removeSingleMetric(misnamed);
  return registry;
}
