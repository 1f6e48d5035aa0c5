import {
  CommonEnvSchema,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
  postgresEnvSchema,
  PROJECTOR_DATABASE_ROLE,
} from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

export const config = loadConfig(
  CommonEnvSchema.extend({
    ...KafkaTopicsEnvSchema.shape,
    ...postgresEnvSchema(PROJECTOR_DATABASE_ROLE).shape,
    /**
     * How long an event's row stays in the order journal (the dashboard's journey, ADR
     * 0046): pruned by age every few minutes. 0 keeps it for ever. The read model and
     * Kafka keep every event regardless.
     */
    ORDER_JOURNAL_RETENTION_HOURS: z.coerce.number().int().min(0).default(168),
  }),
);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
