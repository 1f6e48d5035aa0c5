import type { PartitionOffsets } from '@switchyard/messaging';

/**
 * ### Is the whole history still in the topic? Checked before a rebuild replays it.
 *
 * A rebuild replays the topic "from offset zero", but a consumer that starts at the
 * beginning starts at the *low watermark*: the first offset the log still stores. If
 * retention, `kafka-delete-records` or a recreated topic moved it, the replay starts
 * later without a word, and the rebuilt version silently lacks the oldest orders. The swap
 * would make that version live and, at the next swap, drop the last complete one. So a
 * rebuild first checks, per partition:
 *
 * - **The log starts at offset 0** (`low === 0`). Otherwise records were deleted.
 * - **The log is the one the live version was built from**: the live version's checkpoint
 *   (the next offset it would apply) cannot be beyond the topic's end (`high`). If it is,
 *   the topic was deleted and recreated, or truncated, since the live version read it.
 *
 * The problems are phrased for the operator: which partition, which offsets, what it means.
 */
export function sourceHistoryProblems(
  offsets: readonly PartitionOffsets[],
  liveCheckpoints: ReadonlyMap<number, bigint>,
): string[] {
  const problems: string[] = [];
  const highs = new Map(offsets.map(({ partition, high }) => [partition, high]));
  for (const { partition, low } of offsets) {
    if (low > 0n) {
      problems.push(
        `partition ${partition} starts at offset ${low}, not 0: records 0 to ${low - 1n} were deleted (retention or kafka-delete-records)`,
      );
    }
  }
  for (const [partition, next] of [...liveCheckpoints].sort(([a], [b]) => a - b)) {
    const high = highs.get(partition);
    if (high === undefined && next > 0n) {
      problems.push(
        `partition ${partition} no longer exists, yet the live version read it up to offset ${next}: the topic was recreated`,
      );
    } else if (high !== undefined && next > high) {
      problems.push(
        `partition ${partition} ends at offset ${high}, yet the live version read it up to offset ${next}: the topic was recreated or truncated since`,
      );
    }
  }
  return problems;
}

/** A rebuild refused because its source would not give back the whole history. */
export class IncompleteHistoryError extends Error {
  constructor(
    readonly topic: string,
    readonly problems: readonly string[],
  ) {
    super(
      `source history incomplete, rebuild refused (the live version stays): ${topic}: ${problems.join('; ')}`,
    );
    this.name = 'IncompleteHistoryError';
  }
}
