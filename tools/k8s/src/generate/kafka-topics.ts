import type { TopicDefinition, Topology } from '@switchyard/contracts';
import { STRIMZI_CLUSTER, type Manifest } from './manifest';

/**
 * ### One `KafkaTopic` per topic of the topology
 *
 * Name, partitions, replication and every topic config (retention for ever,
 * `min.insync.replicas`) come from `topology().kafka.topics`, the same definitions the
 * services check on start (ADR 0023): the Topic Operator then keeps the topic so, and a
 * topic added to the topology appears here at the next `npm run docs:generate`.
 */
export function kafkaTopics(t: Topology): Manifest[] {
  return Object.values(t.kafka.topics).map((topic: TopicDefinition) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: {
      // A Kubernetes name may hold dots; the topic's own name is still spelled out below,
      // so the resource could be renamed without renaming the topic.
      name: topic.name,
      labels: { 'strimzi.io/cluster': STRIMZI_CLUSTER },
    },
    spec: {
      topicName: topic.name,
      partitions: topic.partitions,
      replicas: topic.replicationFactor,
      config: { ...topic.configs },
    },
  }));
}
