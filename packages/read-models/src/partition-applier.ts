import type { BatchOutcome, ConsumedRecord } from '@switchyard/messaging';
import type { Pool } from 'pg';
import type { PoisonRecord } from './orders-projection';
import { applyIsolatingPoison } from './poison-isolation';
import type { ProjectionStore } from './projection-store';

export interface ApplierOptions {
  pool: Pool;
  store: ProjectionStore;
  /**
   * Which version to write: the live one (projector) or a fixed new one (rebuilder).
   */
  target: { kind: 'live' } | { kind: 'fixed'; version: number };
  /** Stores poison records durably (dead-letter topic) before their offsets are passed. */
  deadLetter(poison: PoisonRecord[]): Promise<void>;
  /**
   * `'at-swap'` (the rebuilder): batches commit without waiting for their WAL flush
   * (`synchronous_commit = off`). Safe there, and only there: nobody reads the version
   * being built, a crash mid-rebuild abandons the whole run anyway, and the swap itself
   * commits synchronously, which flushes every earlier batch's WAL first (WAL is one
   * sequence). The live projector keeps the default, `'per-batch'`: its rows and
   * checkpoint must survive a crash the moment the commit returns, before Kafka's commit.
   */
  durability?: 'per-batch' | 'at-swap';
}

/**
 * ### One partition batch → one transaction: rows + checkpoint, or nothing.
 *
 * 1. Records below the checkpoint were applied before (a crash between the database
 *    commit and the Kafka commit redelivers them): skipped. Idempotent by position.
 * 2. If the live version changed since this partition was last seen (a rebuild was
 *    swapped in), or this is the first batch since start and the log is ahead of the
 *    checkpoint, the consumer is sent back to the checkpoint (`seekTo`) instead.
 * 3. Poison records (unparseable, schema-invalid, or refused by Postgres as data) are
 *    dead-lettered *before* the commit moves past them: never a silent drop, and never
 *    a partition blocked behind one bad record.
 */
export class PartitionApplier {
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: ApplierOptions) {}

  async apply(records: ConsumedRecord[]): Promise<BatchOutcome & { applied: number }> {
    const { pool, store, target, deadLetter } = this.options;
    const first = records[0];
    if (!first) return { applied: 0 };
    const { topic, partition } = first;
    const key = `${topic}:${partition}`;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (this.options.durability === 'at-swap') {
        await client.query('SET LOCAL synchronous_commit = off');
      }
      const version =
        target.kind === 'fixed'
          ? target.version
          : (await store.activeVersion(client, 'share')).active;
      const checkpoint = await store.checkpoint(client, version, topic, partition);
      const seenVersion = this.seen.get(key);
      this.seen.set(key, version);
      if (
        checkpoint !== undefined &&
        seenVersion !== version &&
        BigInt(first.offset) > checkpoint
      ) {
        await client.query('ROLLBACK');
        return { applied: 0, seekTo: checkpoint.toString() };
      }
      const fresh =
        checkpoint === undefined
          ? records
          : records.filter((record) => BigInt(record.offset) >= checkpoint);
      if (fresh.length === 0) {
        await client.query('ROLLBACK');
        return { applied: 0 };
      }
      // A record Postgres refuses (not just one that fails to parse) is poison too.
      const { applied, poison } = await applyIsolatingPoison(client, store.schema, version, fresh);
      if (poison.length > 0) await deadLetter(poison);
      const last = fresh[fresh.length - 1]!;
      await store.saveCheckpoint(client, version, topic, partition, BigInt(last.offset) + 1n);
      await client.query('COMMIT');
      return { applied };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
