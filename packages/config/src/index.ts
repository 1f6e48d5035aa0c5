import { z } from 'zod';
import { describeIssues, NamespaceSchema } from '@switchyard/contracts';
import { ConfigError } from './errors';
import { KafkaSecurityEnvSchema } from './kafka-security';
import { NatsEnvSchema } from './nats';

/**
 * Settings every Switchyard service understands. Each has a default that works on a
 * developer machine with the local brokers (`npm run brokers -- up`); containers and
 * production override them through the environment. No secrets live in the repo:
 * credentials come from the environment (NATS: `NatsEnvSchema`; Kafka and Postgres: their
 * URLs).
 */
export const CommonEnvSchema = z.object({
  ...NatsEnvSchema.shape,
  KAFKA_BROKERS: z
    .string()
    .default('localhost:9092')
    .transform((value) =>
      value
        .split(',')
        .map((broker) => broker.trim())
        .filter(Boolean),
    ),
  /** SASL and TLS towards Kafka: all optional, PLAINTEXT without them (kafka-security.ts). */
  ...KafkaSecurityEnvSchema.shape,
  SWITCHYARD_NAMESPACE: NamespaceSchema.default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Port of the service's HTTP server (health endpoints; the API on the gateway). */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /**
   * Replicas of every JetStream stream and KV bucket the service declares: 1 on a single
   * server, 3 on a cluster (5 at most, JetStream's limit). A property of the deployment,
   * not of the topology: every service must get the same value, or each start would set
   * it back to its own (the change is logged). See ADR 0022.
   */
  JETSTREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
});

export type CommonEnv = z.infer<typeof CommonEnvSchema>;

/**
 * Parses the environment once, at start-up, and fails with every problem listed:
 * a service with a bad setting should refuse to start, not fail on first use.
 */
export function loadConfig<TSchema extends z.ZodType>(
  schema: TSchema,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<TSchema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(describeIssues(result.error));
  }
  return result.data;
}

/** Nest injection token for the service's parsed configuration. */
export const CONFIG = Symbol('switchyard:config');
export * from './cli';
export * from './nats';
export * from './consumers';
export * from './shutdown';
export * from './kafka-topics';
export * from './kafka-security';
export * from './postgres';
export { ConfigError } from './errors';
