import type { Admin } from 'kafkajs';
import { retryingRetriable } from './retriable';

/** The two admin calls lag needs: a kafkajs `Admin` fits, and so does a test double. */
export type ConsumerLagAdmin = Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;

export interface PartitionLag {
  partition: number;
  /** The group's next offset to read, or `null` when the group never committed on this partition. */
  committedOffset: number | null;
  /** The high watermark: the offset the next record written to the partition will get. */
  endOffset: number;
  /** Records written but not yet committed by the group; never negative. */
  lag: number;
}

/**
 * Consumer lag of `groupId` on `topic`, per partition, sorted by partition.
 *
 * Why the low watermark for a partition without a commit: such a group starts from the
 * oldest record still on the broker (or the newest, with `fromBeginning: false`, but
 * Switchyard's consumers read from the beginning), so everything between the low and the
 * high watermark is still to read. Counting from 0 would overstate the lag forever once
 * retention has deleted the head of the log.
 *
 * Offsets are numbers: lag is a gauge value, and a partition would need 2^53 records
 * before the conversion loses precision.
 */
export async function consumerGroupLag(
  admin: ConsumerLagAdmin,
  groupId: string,
  topic: string,
): Promise<PartitionLag[]> {
  const [watermarks, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    retryingRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] })),
  ]);
  const committedByPartition = new Map<number, number>();
  for (const { partition, offset } of committed.find((entry) => entry.topic === topic)
    ?.partitions ?? []) {
    // kafkajs reports "no committed offset" as '-1'.
    const value = Number(offset);
    if (value >= 0) committedByPartition.set(partition, value);
  }
  return watermarks
    .map(({ partition, high, low }) => {
      const endOffset = Number(high);
      const committedOffset = committedByPartition.get(partition) ?? null;
      const from = committedOffset ?? Number(low);
      return { partition, committedOffset, endOffset, lag: Math.max(0, endOffset - from) };
    })
    .sort((a, b) => a.partition - b.partition);
}
