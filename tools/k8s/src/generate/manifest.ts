/** A Kubernetes object as plain data, ready to be written as YAML. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** The Strimzi `Kafka` resource of infra/k8s/base/kafka/kafka.yaml. */
export const STRIMZI_CLUSTER = 'switchyard';

/**
 * The Kubernetes namespace the overlays deploy into. KEDA's NATS scaler needs a
 * fully-qualified monitoring address (it prefixes the stream leader's pod name).
 */
export const NAMESPACE = 'switchyard';

/**
 * The replication the cluster runs with: three brokers, an `acks=all` write on two of them.
 * The apps get the same numbers from `KAFKA_REPLICATION_FACTOR` / `KAFKA_MIN_INSYNC_REPLICAS`
 * (infra/k8s/base/apps/common.env), so what the Topic Operator creates is what every
 * service's start-up check expects.
 */
export const CLUSTER_REPLICATION = { replicationFactor: 3, minInsyncReplicas: 2 } as const;
