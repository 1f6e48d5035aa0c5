import {
  CommonEnvSchema,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
  postgresEnvSchema,
  PROJECTOR_DATABASE_ROLE,
} from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';

export const config = loadConfig(
  CommonEnvSchema.extend({
    ...KafkaTopicsEnvSchema.shape,
    ...postgresEnvSchema(PROJECTOR_DATABASE_ROLE).shape,
  }),
);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
