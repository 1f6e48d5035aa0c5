import {
  CommonEnvSchema,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
} from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

export const BridgeEnvSchema = CommonEnvSchema.extend({
  ...KafkaTopicsEnvSchema.shape,
  /** Messages pulled from JetStream and produced to Kafka in one request. */
  BRIDGE_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(200),
  /** How long JetStream waits for an ack before redelivering to another instance. */
  BRIDGE_ACK_WAIT_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** Deliveries before a message is dead-lettered (JetStream's default is unlimited). */
  BRIDGE_MAX_DELIVER: z.coerce.number().int().min(1).default(20),
  /**
   * One instance per route forwards: the holder of the route's lease in KV `BRIDGE_LEASES`
   * (ADR 0025). A standby takes over once the lease has not been renewed for this long;
   * the holder renews every third of it and stops forwarding after two thirds without a
   * renewal. After a crash, takeover ≈ this + `BRIDGE_ACK_WAIT_MS` (the dead holder's
   * batch comes back first); after a SIGTERM, at once (the lease is released).
   */
  BRIDGE_LEASE_TTL_MS: z.coerce.number().int().min(300).default(10_000),
});

export const config = loadConfig(BridgeEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
