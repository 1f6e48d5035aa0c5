import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

/** An empty variable (`ADMIN_TOKEN=` in compose when the shell has none) counts as unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const GatewayEnvSchema = CommonEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** How long a request waits for a service's reply before answering 504. */
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Largest accepted request body; bigger ones get 413 before any handler runs. */
  HTTP_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  /** `GET /events`: a comment line this often keeps proxies from closing an idle stream. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
  /**
   * `GET /events`: bytes a client may have unread in its socket buffer before further
   * events for it are dropped (and counted). Bounds the memory one slow client can hold.
   */
  SSE_MAX_BUFFERED_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  /** `GET /api/overview`: answers are reused this long, so many dashboards cost one probe. */
  OVERVIEW_CACHE_MS: z.coerce.number().int().nonnegative().default(1_000),
  /** Request-reply latency percentiles cover roughly this recent window. */
  LATENCY_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * Jaeger's UI (`http://localhost:16686`), where the services export traces: an order's
   * journey links to its trace there. Unset: no link (the trace id is still shown).
   */
  JAEGER_UI_URL: unsetWhenEmpty(z.url().optional()),
  /** `GET /docs` (Swagger UI) and `GET /docs/openapi.json`; `false` leaves both out. */
  DOCS_ENABLED: z.stringbool().default(true),

  // ### The HTTP edge's defences (ADR 0034)

  /**
   * The operator's bearer token for `/admin/*` and the full live feed. Unset: the admin API
   * is off (every `/admin` route answers 403), never open. At least 32 characters, so a
   * placeholder such as `secret` stops the start instead of guarding production.
   */
  ADMIN_TOKEN: unsetWhenEmpty(z.string().min(32).optional()),
  /**
   * Serve `/admin/*` on this port only (the public port answers 404 for them); the admin
   * port serves the public routes and the dashboard too. Unset: one port for everything.
   */
  ADMIN_PORT: unsetWhenEmpty(z.coerce.number().int().min(0).max(65535).optional()),
  /**
   * Origins (`scheme://host[:port]`, comma-separated) whose pages may send state-changing
   * requests, besides the gateway's own origin (always allowed).
   */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  /**
   * Which proxies in front may say who the client is (`X-Forwarded-For`), for the rate
   * limit and the stream caps: unset, nobody (the client is the TCP peer); `true`, any
   * (only when nothing but the proxy can reach the gateway); or addresses and CIDRs,
   * comma-separated (`10.0.0.0/8,127.0.0.1`). Behind a proxy that is not
   * trusted, every client shares the proxy's address, and so its limits.
   */
  TRUST_PROXY: unsetWhenEmpty(
    z
      .string()
      .optional()
      .transform((value): boolean | string[] =>
        value === undefined || value === 'false'
          ? false
          : value === 'true'
            ? true
            : value
                .split(',')
                .map((entry) => entry.trim())
                .filter(Boolean),
      ),
  ),
  /** Requests per client IP per `RATE_LIMIT_WINDOW_MS`; over it: 429 with `Retry-After`. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(1_200),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
  /** A request (headers and body) must arrive within this, or the socket is closed (408). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** An idle socket is closed after this; above `SSE_HEARTBEAT_MS`, so live feeds stay up. */
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** `GET /events` and `/admin/events` streams open at once; one more gets a 503. */
  SSE_MAX_CLIENTS: z.coerce.number().int().positive().default(500),
  /** Streams one client IP may hold at once; one more gets a 429. */
  SSE_MAX_CLIENTS_PER_IP: z.coerce.number().int().positive().default(10),

  // ### Faults from the dashboard (ADR 0047)

  /**
   * The no-Docker demo's fault injector (`tools/fault-injector`), which `/admin/faults`
   * forwards to. Unset (everywhere but `npm run demo`): no faults, the page shows them as
   * unavailable. Loopback only: the gateway sends the admin token there, so it must never
   * go to another machine.
   */
  FAULT_INJECTOR_URL: unsetWhenEmpty(
    z
      .url({ protocol: /^http$/ })
      .refine((url) => URL.canParse(url) && LOOPBACK.has(new URL(url).hostname), {
        message: 'must be on this machine (127.0.0.1, localhost or [::1])',
      })
      .optional(),
  ),
}).refine((env) => env.SSE_HEARTBEAT_MS < env.HTTP_CONNECTION_TIMEOUT_MS, {
  message: 'SSE_HEARTBEAT_MS must be below HTTP_CONNECTION_TIMEOUT_MS (idle streams would be cut)',
  path: ['SSE_HEARTBEAT_MS'],
});

export const config = loadConfig(GatewayEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
