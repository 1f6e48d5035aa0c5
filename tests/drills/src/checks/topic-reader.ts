import { randomUUID } from 'node:crypto';
import { BatchConsumer, createKafka, KafkaAdmin, type ConsumedRecord } from '@switchyard/messaging';
import { waitFor } from '@switchyard/testkit';

const quiet = { log() {}, warn() {}, error() {} };

/** Per partition, the offset the next record of `topic` will get. */
export async function topicEnds(brokers: string[], topic: string): Promise<Map<number, bigint>> {
  const admin = new KafkaAdmin(createKafka({ clientId: 'drill-reader', brokers, logger: quiet }));
  await admin.connect();
  try {
    return await admin.endOffsets(topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads a whole Kafka topic, up to the high watermark it had when the read began, with
 * a throw-away consumer group (deleted afterwards). Like testkit's `readTopicUntil`,
 * but against the drill's own broker.
 */
export async function readWholeTopic(
  brokers: string[],
  topic: string,
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const kafka = createKafka({ clientId: 'drill-reader', brokers, logger: quiet });
  const admin = new KafkaAdmin(kafka);
  await admin.connect();
  const groupId = `drill-reader-${randomUUID()}`;
  try {
    const ends = await admin.endOffsets(topic);
    const wanted = [...ends.values()].reduce((sum, end) => sum + end, 0n);
    if (wanted === 0n) return [];
    const seen = new Map<number, bigint>();
    const records: ConsumedRecord[] = [];
    const consumer = new BatchConsumer(kafka, {
      groupId,
      topic,
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      logger: quiet,
      handle: async (batch) => {
        for (const record of batch) {
          if (BigInt(record.offset) >= (ends.get(record.partition) ?? 0n)) continue;
          records.push(record);
          seen.set(record.partition, BigInt(record.offset) + 1n);
        }
      },
    });
    await consumer.start();
    try {
      await waitFor(
        `${topic} read up to its high watermarks`,
        () => [...ends].every(([partition, end]) => (seen.get(partition) ?? 0n) >= end),
        { timeoutMs, intervalMs: 50 },
      );
    } finally {
      await consumer.stop();
    }
    await admin.deleteGroups([groupId]).catch(() => undefined);
    return records;
  } finally {
    await admin.disconnect();
  }
}
