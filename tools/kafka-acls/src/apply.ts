import type { Topology } from '@switchyard/contracts';
import {
  KafkaAdmin,
  syncAcls,
  type AclSyncResult,
  type createKafka,
  type RunnerLogger,
  type TopicReconciliation,
} from '@switchyard/messaging';
import { KAFKA_PRINCIPALS, kafkaAclRules } from './principals';

export interface KafkaSetupResult {
  topics: TopicReconciliation[];
  acls: AclSyncResult;
}

/**
 * The set-up step, as the admin principal: every declared topic created or reconciled
 * (ADR 0023), then each service's rules made exactly as derived (created, stale ones
 * deleted). Run before the services start, and again after a topology change.
 */
export async function applyKafkaSetup(
  kafka: ReturnType<typeof createKafka>,
  t: Topology,
  logger?: RunnerLogger,
): Promise<KafkaSetupResult> {
  const admin = new KafkaAdmin(kafka);
  await admin.connect();
  let topics: TopicReconciliation[];
  try {
    topics = await admin.ensureTopics(Object.values(t.kafka.topics), logger);
  } finally {
    await admin.disconnect();
  }
  const acls = await syncAcls(kafka, KAFKA_PRINCIPALS, kafkaAclRules(t));
  return { topics, acls };
}
