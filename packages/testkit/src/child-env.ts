import { testAdminToken, testEnv } from './environment';

/**
 * What a test's child process may inherit from the shell that runs the suite: how to
 * find programs and a home, Node's own settings (`NODE_OPTIONS`, `NODE_EXTRA_CA_CERTS`),
 * libpq's defaults for a `DATABASE_URL` that leaves them out, and the machine's share of ports
 * (`SWITCHYARD_PORT_RANGE`, see `freePort`). Nothing else: a
 * developer's `ORDERS_PAYMENT_TIMEOUT_MS`, `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `SWITCHYARD_NAMESPACE` left in the shell would otherwise change what a service does
 * under test, and the same test would pass in CI and fail on a laptop (ADR 0027).
 */
const INHERITED = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TZ',
  'LANG',
  'PGHOST',
  'PGPORT',
  'PGUSER',
  'SWITCHYARD_PORT_RANGE',
];
const INHERITED_PREFIXES = ['NODE_'];

/**
 * The environment of a process a test starts: the allow-list above, the broker
 * addresses the test itself uses (`testEnv`, so child and test talk to the same brokers),
 * the run's admin token (a gateway's `/admin` is on, as in the demo), a rate limit no
 * test reaches by accident (every request of a suite, a bench or a drill comes from one
 * address, far more than a person sends; the limit has a test of its own with a tiny
 * one), then the test's own settings, which win.
 */
export function childEnv(
  env: Record<string, string>,
  parent: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (INHERITED.includes(name) || INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
      inherited[name] = value;
    }
  }
  return {
    ...inherited,
    NATS_URL: testEnv.NATS_URL,
    KAFKA_BROKERS: testEnv.KAFKA_BROKERS.join(','),
    DATABASE_URL: testEnv.DATABASE_URL,
    ADMIN_TOKEN: testAdminToken,
    RATE_LIMIT_MAX: '1000000',
    ...env,
  };
}
