import type { ConsumedRecord } from '@switchyard/messaging';

export interface PartitionPipelineOptions {
  /** Writes one partition batch (idempotent by position: a retry of the same records is safe). */
  write(records: ConsumedRecord[]): Promise<void>;
  /** Attempts per batch before the pipeline fails (transient database errors). */
  attempts?: number;
  /** Delay before attempt n + 1, ms. */
  retryDelayMs?: (attempt: number) => number;
}

/**
 * ### Read the next batch while this one is written: one write in flight per partition.
 *
 * kafkajs fetches again only after `eachBatch` returned for every partition of the
 * current fetch. Awaiting the database inside `eachBatch` therefore stacks the fetch,
 * its decoding and the slowest partition's transaction end to end; profiled, the
 * rebuilder sat idle a quarter of its replay. `push` instead waits only for the
 * partition's *previous* write, starts this one and returns, so kafkajs fetches and
 * decodes batch k + 1 while Postgres commits batch k.
 *
 * - Order within a partition is kept: a write starts after that partition's previous
 *   write finished.
 * - Memory stays bounded: per partition, one batch being written and one in kafkajs'
 *   hands, whatever the length of the log.
 * - A failed write is retried (the applier skips what its checkpoint says is done);
 *   when retries run out the pipeline fails for good (`failure`): the rebuild reads it
 *   and fails as a whole, the live version untouched, and later batches are dropped
 *   unwritten. No later batch of that partition can ever be written past a hole.
 */
export class PartitionPipeline {
  private readonly inFlight = new Map<number, Promise<void>>();
  private failed: Error | undefined;

  constructor(private readonly options: PartitionPipelineOptions) {}

  /** Set once a batch could not be written: the run must fail. */
  get failure(): Error | undefined {
    return this.failed;
  }

  /** Waits for the partition's previous write, then starts writing `records`. */
  async push(records: ConsumedRecord[]): Promise<void> {
    const first = records[0];
    if (!first || this.failed) return;
    await this.inFlight.get(first.partition);
    if (this.failed) return;
    const writing = this.writeWithRetries(records).catch((error: unknown) => {
      this.failed ??= error instanceof Error ? error : new Error(String(error));
    });
    this.inFlight.set(first.partition, writing);
  }

  /** Resolves when every write started so far has finished; throws if one failed. */
  async drain(): Promise<void> {
    await Promise.all(this.inFlight.values());
    if (this.failed) throw this.failed;
  }

  private async writeWithRetries(records: ConsumedRecord[]): Promise<void> {
    const { write, attempts = 5, retryDelayMs = (attempt) => 200 * 2 ** attempt } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await write(records);
        return;
      } catch (error) {
        if (attempt >= attempts || this.failed) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
      }
    }
  }
}
