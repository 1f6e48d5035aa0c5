import type { KafkaReplication } from '@switchyard/contracts';
import { z } from 'zod';

/**
 * Replication of the Kafka topics, read by the services that create and reconcile them
 * (bridge, projector, rebuilder, and the seed tool). The defaults fit one local broker;
 * on a cluster set 3 and 2: an `acks=all` write then survives the loss of one broker.
 * `topology()` refuses a `KAFKA_MIN_INSYNC_REPLICAS` above the replication factor.
 */
export const KafkaTopicsEnvSchema = z.object({
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).default(1),
});

export type KafkaTopicsEnv = z.infer<typeof KafkaTopicsEnvSchema>;

/** The `kafka` option of `topology()`, from the environment. */
export function kafkaReplication(env: KafkaTopicsEnv): KafkaReplication {
  return {
    replicationFactor: env.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
  };
}
