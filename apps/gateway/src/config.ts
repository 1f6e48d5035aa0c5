import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { topology } from '@switchyard/contracts';
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
});

export const config = loadConfig(GatewayEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);
