import {
  CommonEnvSchema,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
} from '@switchyard/config';
import { topology } from '@switchyard/contracts';
import { z } from 'zod';

export const BridgeEnvSchema = CommonEnvSchema.extend({
  ...KafkaTopicsEnvSchema.shape,
  /** Messages pulled from JetStream and produced to Kafka in one request. */
  BRIDGE_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(200),
  /** How long JetStream waits for an ack before redelivering to another instance. */
  BRIDGE_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Deliveries before a message is dead-lettered (JetStream's default is unlimited). */
  BRIDGE_MAX_DELIVER: z.coerce.number().int().min(1).default(20),
});

export const config = loadConfig(BridgeEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });
