import { randomBytes } from 'node:crypto';
import { CommonEnvSchema, loadConfig, postgresEnvSchema } from '@switchyard/config';

/**
 * Broker addresses for tests: the same variables and defaults as the services, and the
 * database as its superuser: tests create and drop their own schemas (and roles), and
 * hand that URL to the projector and rebuilder they start.
 */
export const testEnv = loadConfig(
  CommonEnvSchema.omit({ SWITCHYARD_NAMESPACE: true, HTTP_PORT: true }).extend(
    postgresEnvSchema('postgres').shape,
  ),
);

/**
 * A namespace no other test run uses: every subject, stream, topic, group and schema
 * of the test is derived from it (see contracts' `topology`). Tests can therefore run
 * in parallel, and again, on the same brokers.
 */
export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

/**
 * The gateway's admin token in tests: made for each test run (each test file, as Jest
 * loads modules per file), so no token is written in the repository. Every process a
 * test starts gets it as `ADMIN_TOKEN` (`childEnv`); a test calls `/admin` with
 * `adminHeaders()`.
 */
export const testAdminToken = randomBytes(32).toString('base64url');

/** `Authorization: Bearer <testAdminToken>`, plus any other headers. */
export function adminHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${testAdminToken}`, ...headers };
}

/**
 * `fetch` options of an operator's call to `/admin`: the token, and for a `POST` the JSON
 * content type and an empty object (the gateway refuses any other admin `POST`: ADR 0034).
 */
export function adminRequest(method: 'GET' | 'POST' = 'GET'): RequestInit {
  if (method === 'GET') return { headers: adminHeaders() };
  return {
    method,
    headers: adminHeaders({ 'content-type': 'application/json' }),
    body: '{}',
  };
}

/**
 * Env for a payments process whose simulated processor never declines, never fails and
 * never waits: only the test cards (`test-card-declined`, `test-card-flaky`) pick an
 * outcome, so a test knows how each of its orders ends.
 */
export const PREDICTABLE_PAYMENTS = {
  PAYMENTS_DECLINE_RATE: '0',
  PAYMENTS_FAILURE_RATE: '0',
  PAYMENTS_LATENCY_MS: '0',
} as const;
