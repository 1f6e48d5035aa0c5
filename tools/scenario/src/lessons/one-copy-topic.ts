import type { createKafka } from '@switchyard/messaging';

type Kafka = ReturnType<typeof createKafka>;

/**
 * Creates a one-partition topic whose only copy lives on broker `node` (an explicit replica
 * assignment, which `KafkaAdmin.ensureTopics` does not offer: the services never pin a
 * replica). Resolves once created, or when it already exists; the caller waits for its
 * leader. Throws what kafkajs throws, e.g. while a just-created cluster is still settling.
 */
export async function createOneCopyTopicOn(
  kafka: Kafka,
  topic: string,
  node: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [node] }] }],
    });
  } finally {
    await admin.disconnect();
  }
}
