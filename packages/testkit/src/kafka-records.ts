import { randomUUID } from 'node:crypto';
import { BatchConsumer, createKafka, type ConsumedRecord } from '@switchyard/messaging';
import { testEnv } from './environment';
import { waitFor } from './wait-for';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * Reads a topic from the beginning with a throw-away consumer group until `done`
 * says the records seen so far are enough (or the wait times out).
 */
export async function readTopicUntil(
  topic: string,
  done: (records: ConsumedRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const consumer = new BatchConsumer(
    createKafka({ clientId: 'test-reader', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
    {
      groupId: `test-reader-${randomUUID()}`,
      topic,
      fromBeginning: true,
      logger: quiet,
      handle: async (batch) => {
        records.push(...batch);
      },
    },
  );
  await consumer.start();
  try {
    await waitFor(`records on ${topic}`, () => done(records), { timeoutMs });
    return records;
  } finally {
    await consumer.stop();
  }
}
