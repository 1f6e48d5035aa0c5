import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { PausableConsumer } from '../control/pausable';
import type { RunnerLogger } from '../nats/pull-consumer-runner';
import {
  secondsSince,
  silentObserver,
  type ConsumerObserver,
} from '../observing/consumer-observer';
import { decodeHeaders, type ConsumedRecord } from './records';

export interface BatchOutcome {
  /**
   * The store this consumer feeds is behind the log (its checkpoint says so): re-read
   * this partition from `seekTo` instead of committing. Used after a projection swap.
   */
  seekTo?: string;
}

export type GroupMembership = 'joining' | 'member' | 'crashed' | 'stopped';

export interface BatchConsumerOptions {
  groupId: string;
  topic: string;
  /** Where a group with no committed offsets starts. */
  fromBeginning: boolean;
  /** Handles one partition's batch, in offset order. Throwing retries the batch. */
  handle(records: ConsumedRecord[], heartbeat: () => Promise<void>): Promise<BatchOutcome | void>;
  /** Partitions processed in parallel (order is kept within each partition). */
  partitionsConsumedConcurrently?: number;
  /**
   * How long the broker holds a fetch that found nothing new (kafkajs default 5 s).
   * Stopping the consumer waits for the fetch in flight, so a consumer that stops as
   * soon as it caught up (the rebuilder) wants this short: with the default, every
   * rebuild ended with ~5 s of waiting on an empty fetch. While there is data to read,
   * a fetch returns at once whatever this is.
   */
  maxWaitTimeInMs?: number;
  /** Bytes per partition per fetch (kafkajs default 1 MiB): bigger batches, fewer round trips. */
  maxBytesPerPartition?: number;
  /**
   * Commit each handled batch's offset to the group (default true). A consumer whose
   * position lives only in its own store and whose group is thrown away afterwards (the
   * rebuilder) turns this off: the commit is a broker round trip per batch, and kafkajs
   * fetches again only after every batch of the previous fetch returned.
   */
  commitOffsets?: boolean;
  logger: RunnerLogger;
  /** Counts what the consumer does (metrics); observes nothing when left out. */
  observer?: ConsumerObserver;
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
export class BatchConsumer implements PausableConsumer {
  private readonly consumer: Consumer;
  private paused = false;
  private inFlight = 0;
  private drained: (() => void)[] = [];
  private readonly furthestSeen = new Map<number, bigint>();
  private memberState: GroupMembership = 'joining';

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
      ...(options.maxWaitTimeInMs === undefined
        ? {}
        : { maxWaitTimeInMs: options.maxWaitTimeInMs }),
      ...(options.maxBytesPerPartition === undefined
        ? {}
        : {
            maxBytesPerPartition: options.maxBytesPerPartition,
            // One fetch must hold every partition's share.
            maxBytes: Math.max(10 * 1024 * 1024, options.maxBytesPerPartition * 16),
          }),
    });
  }

  async start(): Promise<void> {
    const { topic, fromBeginning, partitionsConsumedConcurrently = 1 } = this.options;
    this.trackMembership();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, pause }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        if (this.paused) {
          // Fetched before the pause (or the group restarted and forgot it): leave the
          // batch unresolved, so it is fetched again after resume, and pause this
          // partition here too, so kafkajs does not fetch it again and again meanwhile.
          pause();
          return;
        }
        this.inFlight += 1;
        try {
          await this.handleBatch(batch, resolveOffset, heartbeat);
        } finally {
          this.inFlight -= 1;
          if (this.inFlight === 0) this.drained.splice(0).forEach((resolve) => resolve());
        }
      },
    });
  }

  private async handleBatch(
    batch: EachBatchPayload['batch'],
    resolveOffset: EachBatchPayload['resolveOffset'],
    heartbeat: EachBatchPayload['heartbeat'],
  ): Promise<void> {
    const records: ConsumedRecord[] = batch.messages.map((message) => {
      let headers: Record<string, string> | undefined;
      let key: string | null | undefined;
      return {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        // Key and headers are decoded on first read, once: the rebuilder reads neither,
        // and decoding every record's headers was ~5 % of a rebuild's CPU (profiled).
        get key() {
          return key === undefined ? (key = message.key?.toString() ?? null) : key;
        },
        value: message.value,
        get headers() {
          return (headers ??= decodeHeaders(message.headers));
        },
        timestamp: message.timestamp,
      };
    });
    const observer = this.options.observer ?? silentObserver;
    observer.received(records.length, this.countRereads(batch.partition, records));
    const startedAt = process.hrtime.bigint();
    let outcome: BatchOutcome | void;
    try {
      outcome = await this.options.handle(records, heartbeat);
    } catch (error) {
      // kafkajs fetches the same batch again: those records count as redelivered then.
      observer.handled(secondsSince(startedAt), true);
      throw error;
    }
    observer.handled(secondsSince(startedAt), false);
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
    if (this.options.commitOffsets === false) {
      observer.settled('ack', records.length);
      return;
    }
    await this.consumer.commitOffsets([
      {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(last) + 1n).toString(),
      },
    ]);
    observer.settled('ack', records.length);
    observer.committed?.(batch.partition, BigInt(last) + 1n);
  }

  /**
   * Kafka has no delivery count: a record is read again when its batch failed (kafkajs
   * fetches it again) or after a seek. Remember the furthest offset seen per partition
   * (one number each) and count what comes back below it.
   */
  private countRereads(partition: number, records: ConsumedRecord[]): number {
    const furthest = this.furthestSeen.get(partition);
    const last = records[records.length - 1];
    if (last && (furthest === undefined || BigInt(last.offset) > furthest)) {
      this.furthestSeen.set(partition, BigInt(last.offset));
    }
    if (furthest === undefined) return 0;
    return records.filter((record) => BigInt(record.offset) <= furthest).length;
  }

  get name(): string {
    return this.options.groupId;
  }

  /**
   * `member` once this instance joined the group (and while it rebalances or is paused:
   * it stays in the group); `crashed` when kafkajs gave up on it for good: the process
   * lives on but will never consume again, which only a restart fixes.
   */
  get membership(): GroupMembership {
    return this.memberState;
  }

  private trackMembership(): void {
    const { GROUP_JOIN, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => (this.memberState = 'member'));
    this.consumer.on(CRASH, ({ payload }) => {
      this.memberState = payload.restart ? 'joining' : 'crashed';
    });
    this.consumer.on(STOP, () => (this.memberState = 'stopped'));
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Stops fetching (kafkajs `pause`) and resolves once the batches in hand are committed.
   * The member stays in its group and keeps heartbeating: pausing is NOT leaving, so no
   * rebalance moves the partitions to another instance; the lag simply grows.
   */
  async pause(): Promise<void> {
    this.paused = true;
    this.consumer.pause([{ topic: this.options.topic }]);
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /** Fetches again from the last resolved offset: the lag drains. */
  resume(): void {
    this.paused = false;
    this.consumer.resume([{ topic: this.options.topic }]);
  }

  /** Leaves the group cleanly (a rebalance hands its partitions over at once). */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
