import { randomUUID } from 'node:crypto';
import { BatchConsumer, createKafka, KafkaAdmin, type ConsumedRecord } from '@switchyard/messaging';
import { testEnv } from './environment';
import { waitFor } from './wait-for';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * Reads a topic from the beginning with a throw-away consumer group until `done`
 * says the records seen so far are enough (or the wait times out). The group is deleted
 * afterwards, pass or fail: the broker keeps a group's committed offsets for days
 * (`offsets.retention.minutes`), and a suite that reads a topic a few times per run left
 * a new group behind every time.
 */
export async function readTopicUntil(
  topic: string,
  done: (records: ConsumedRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const kafka = createKafka({
    clientId: 'test-reader',
    brokers: testEnv.KAFKA_BROKERS,
    logger: quiet,
  });
  const groupId = `test-reader-${randomUUID()}`;
  const consumer = new BatchConsumer(kafka, {
    groupId,
    topic,
    fromBeginning: true,
    logger: quiet,
    handle: async (batch) => {
      records.push(...batch);
    },
  });
  let failed = false;
  try {
    await consumer.start();
    await waitFor(`records on ${topic}`, () => done(records), { timeoutMs });
    return records;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // Only an empty group can be deleted: leave it first. A read that already failed
    // (the group may never have formed) reports its own error, not the clean-up's.
    await consumer.stop();
    await deleteGroup(kafka, groupId).catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

async function deleteGroup(kafka: ReturnType<typeof createKafka>, groupId: string): Promise<void> {
  const admin = new KafkaAdmin(kafka);
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}
