import { CommonEnvSchema } from '@switchyard/config';
import { z } from 'zod';

/**
 * Where the running demo is. The same variables as the services (NATS_URL, KAFKA_BROKERS,
 * SWITCHYARD_NAMESPACE), plus the gateway's URL; each has a command-line flag too.
 */
export const ScenarioEnvSchema = CommonEnvSchema.omit({ HTTP_PORT: true, LOG_LEVEL: true }).extend({
  GATEWAY_URL: z.url().default('http://localhost:3000'),
  /**
   * The gateway's admin token: the scenarios pause and resume consumers through `/admin`.
   * Unset: the one `npm run demo` wrote to `.local/admin-token`.
   */
  ADMIN_TOKEN: z.string().min(1).optional(),
  /** The client port of the Kafka broker `infra/local/kafka.sh` manages (kafka-down). */
  KAFKA_PORT: z.coerce.number().int().min(1).max(65535).default(9092),
});
export type ScenarioEnv = z.infer<typeof ScenarioEnvSchema>;
