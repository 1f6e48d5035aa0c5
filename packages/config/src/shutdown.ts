import { z } from 'zod';

/**
 * Graceful shutdown, the same for every service (read by the health module).
 *
 * `SHUTDOWN_UNREADY_MS`: after SIGTERM a service first answers 503 on `/readyz` for this
 * long, still listening and still finishing what it has, and only then closes its
 * listeners and drains its consumers. A load balancer (or the fault drills) polling
 * readiness sees it unready and stops sending work before connections are refused.
 */
export const ShutdownEnvSchema = z.object({
  SHUTDOWN_UNREADY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
});
