import { MessageHeaders } from '@switchyard/contracts';
import type { EventProducer } from '@switchyard/messaging';
import type { PoisonRecord } from '@switchyard/read-models';

/**
 * Poison records go to the dead-letter topic with where they came from and why, and
 * the partition moves on: one bad record must not block every order behind it.
 */
export async function deadLetterRecords(
  producer: EventProducer,
  topic: string,
  poison: PoisonRecord[],
): Promise<void> {
  await producer.send(
    topic,
    poison.map(({ record, reason }) => ({
      key: record.key ?? `${record.topic}:${record.partition}:${record.offset}`,
      value: record.value ?? '',
      headers: {
        ...record.headers,
        [MessageHeaders.deadLetterReason]: reason,
        [MessageHeaders.deadLetterSource]: `${record.topic}:${record.partition}:${record.offset}`,
        [MessageHeaders.deadLetterTopic]: record.topic,
        [MessageHeaders.deadLetterPartition]: String(record.partition),
        [MessageHeaders.deadLetterOffset]: record.offset,
      },
    })),
  );
}
