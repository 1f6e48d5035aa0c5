import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

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
  /** `GET /docs` (Swagger UI) and `GET /docs/openapi.json`; `false` leaves both out. */
  DOCS_ENABLED: z.stringbool().default(true),
});

export const config = loadConfig(GatewayEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
