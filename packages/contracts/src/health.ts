import { z } from 'zod';

/** One indicator of a health answer: `up` or `down`, with whatever it reports beside. */
const HealthIndicatorsSchema = z.record(
  z.string(),
  z.looseObject({ status: z.enum(['up', 'down']) }),
);

/**
 * The body of `GET /healthz` and `GET /readyz` on every service: `@nestjs/terminus`' health
 * check result, not problem details (a prober reads it as it is, 200 or 503). While the
 * service shuts down, `/readyz` answers `status: "error"` with `reason: "shutting down"`.
 */
export const HealthCheckResultSchema = z.object({
  status: z.enum(['ok', 'error', 'shutting_down']),
  reason: z.string().optional(),
  info: HealthIndicatorsSchema.optional(),
  error: HealthIndicatorsSchema.optional(),
  details: HealthIndicatorsSchema,
});
export type HealthCheckResult = z.infer<typeof HealthCheckResultSchema>;
