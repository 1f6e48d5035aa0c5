import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BatchConsumer, KafkaAdmin, type createKafka } from '@switchyard/messaging';
import { PartitionApplier, ProjectionStore } from '@switchyard/read-models';
import { KAFKA, PG_POOL } from '@switchyard/service';
import type { Pool, PoolClient } from 'pg';
import { TOPOLOGY } from '../config';
import { progressReporter } from './progress';

export interface RebuildResult {
  version: number;
  previousVersion: number;
  events: number;
  rows: number;
  digest: string;
  seconds: number;
}

/**
 * ### Blue-green rebuild of the orders read model from Kafka offset zero.
 *
 * 1. Create a fresh table `orders_v<N+1>` next to the live one (the projector keeps
 *    serving and updating the live version the whole time).
 * 2. Note the end offset of every partition *now*: that is the finish line.
 * 3. Replay from offset zero with a brand-new consumer group (no committed offsets, so
 *    it starts at the beginning), through the same projection code as the projector.
 * 4. Once every partition reached the finish line, swap the view in one transaction.
 *    The projector sees the new version on its next batch and continues from the new
 *    version's checkpoints, so nothing published during the rebuild is missed.
 * 5. The previous version stays until the next successful rebuild (roll back by
 *    activating it again). A failed rebuild drops its own table: live is untouched.
 */
@Injectable()
export class RebuildOrdersService {
  private readonly logger = new Logger(RebuildOrdersService.name);
  private readonly store = new ProjectionStore(TOPOLOGY.postgres.schema);

  constructor(
    @Inject(KAFKA) private readonly kafka: ReturnType<typeof createKafka>,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly admin: KafkaAdmin,
  ) {}

  async rebuild({ timeoutMs }: { timeoutMs: number }): Promise<RebuildResult> {
    const started = Date.now();
    const topic = TOPOLOGY.kafka.topics.orderEvents.name;
    const version = await this.withClient(async (client) => {
      await this.store.initialize(client);
      const next = Math.max(0, ...(await this.store.versions(client))) + 1;
      await this.store.createVersion(client, next);
      return next;
    });
    const groupId = TOPOLOGY.kafka.groups.rebuilder(`v${version}-${randomUUID().slice(0, 8)}`);
    try {
      await this.admin.ensureTopics([TOPOLOGY.kafka.topics.orderEvents]);
      const finishLine = await this.admin.endOffsets(topic);
      const total = [...finishLine.values()].reduce((sum, offset) => sum + Number(offset), 0);
      this.logger.log({ msg: 'rebuild started', version, topic, events: total, groupId });
      const events = await this.replay(topic, groupId, version, finishLine, total, timeoutMs);

      const { previous, digest } = await this.withClient(async (client) => {
        // Partitions that had nothing to replay still get a checkpoint: the projector
        // must resume them from the finish line, not from its own old position.
        for (const [partition, end] of finishLine) {
          await this.store.saveCheckpoint(client, version, topic, partition, end);
        }
        const swap = await this.store.activate(client, version);
        return { previous: swap.previous, digest: await this.store.digest(client, version) };
      });
      const result: RebuildResult = {
        version,
        previousVersion: previous,
        events,
        rows: digest.rows,
        digest: digest.md5,
        seconds: (Date.now() - started) / 1_000,
      };
      this.logger.log({ msg: 'rebuild swapped in', ...result });
      return result;
    } catch (error) {
      await this.withClient((client) => this.store.dropVersion(client, version));
      throw error;
    } finally {
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  private async replay(
    topic: string,
    groupId: string,
    version: number,
    finishLine: Map<number, bigint>,
    total: number,
    timeoutMs: number,
  ): Promise<number> {
    const positions = new Map<number, bigint>();
    let applied = 0;
    let skippedPoison = 0;
    const applier = new PartitionApplier({
      pool: this.pool,
      store: this.store,
      target: { kind: 'fixed', version },
      // The live projector dead-lettered these already; a rebuild only counts them.
      deadLetter: async (poison) => {
        skippedPoison += poison.length;
      },
    });
    const caughtUp = () =>
      [...finishLine].every(
        ([partition, end]) => end === 0n || (positions.get(partition) ?? 0n) >= end,
      );
    const progress = progressReporter(total);
    const consumer = new BatchConsumer(this.kafka, {
      groupId,
      topic,
      fromBeginning: true,
      partitionsConsumedConcurrently: finishLine.size,
      logger: this.logger,
      handle: async (records) => {
        await applier.apply(records);
        const last = records[records.length - 1]!;
        positions.set(last.partition, BigInt(last.offset) + 1n);
        applied += records.length;
        progress.update(applied);
      },
    });
    await consumer.start();
    try {
      const deadline = Date.now() + timeoutMs;
      while (!caughtUp()) {
        if (Date.now() > deadline)
          throw new Error(`rebuild did not catch up within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      progress.stop();
      await consumer.stop();
    }
    if (skippedPoison > 0)
      this.logger.warn({
        msg: 'skipped poison records (already dead-lettered)',
        count: skippedPoison,
      });
    return applied;
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
}
