import type { Consumer, Kafka } from 'kafkajs';
import type { RunnerLogger } from '../nats/pull-consumer-runner';
import { decodeHeaders, type ConsumedRecord } from './records';

export interface BatchOutcome {
  /**
   * The store this consumer feeds is behind the log (its checkpoint says so): re-read
   * this partition from `seekTo` instead of committing. Used after a projection swap.
   */
  seekTo?: string;
}

export interface BatchConsumerOptions {
  groupId: string;
  topic: string;
  /** Where a group with no committed offsets starts. */
  fromBeginning: boolean;
  /** Handles one partition's batch, in offset order. Throwing retries the batch. */
  handle(records: ConsumedRecord[], heartbeat: () => Promise<void>): Promise<BatchOutcome | void>;
  /** Partitions processed in parallel (order is kept within each partition). */
  partitionsConsumedConcurrently?: number;
  logger: RunnerLogger;
}

/**
 * ### A consumer-group runner with `eachBatch` and manual commits.
 *
 * NestJS's Kafka transport processes one message at a time (`eachMessage`); a projector
 * wants whole batches so it can write them in one database transaction.
 *
 * Commits are manual and come *after* the handler: the handler stores its own position
 * (offset) with its rows, so the Kafka commit is only a hint for where to resume. The
 * committed value is `offset + 1`, the next record to read: committing `offset` (as
 * some examples do) redelivers the last record after every restart.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // Rebalances should not wait on a slow batch: heartbeat is called between chunks.
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
    });
  }

  async start(): Promise<void> {
    const { topic, fromBeginning, partitionsConsumedConcurrently = 1 } = this.options;
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records: ConsumedRecord[] = batch.messages.map((message) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: decodeHeaders(message.headers),
          timestamp: message.timestamp,
        }));
        const outcome = await this.options.handle(records, heartbeat);
        if (outcome?.seekTo !== undefined) {
          this.consumer.seek({
            topic: batch.topic,
            partition: batch.partition,
            offset: outcome.seekTo,
          });
          return;
        }
        const last = batch.lastOffset();
        resolveOffset(last);
        await this.consumer.commitOffsets([
          {
            topic: batch.topic,
            partition: batch.partition,
            offset: (BigInt(last) + 1n).toString(),
          },
        ]);
      },
    });
  }

  /** Leaves the group cleanly (a rebalance hands its partitions over at once). */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
