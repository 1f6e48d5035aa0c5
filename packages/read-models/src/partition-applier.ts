import type { BatchOutcome, ConsumedRecord } from '@switchyard/messaging';
import type { Pool } from 'pg';
import { journalEntries, writeJournal } from './order-journal';
import type { LoggedEvent } from './order-state';
import type { ParkedEvent } from './order-tables';
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

/** What one partition batch did, for the caller's logs and metrics. */
export interface PartitionOutcome extends BatchOutcome {
  applied: number;
  /** Events this batch held back (no row yet, or a version gap), each with its reason. */
  parked: ParkedEvent[];
  /** Held events this batch applied. */
  released: LoggedEvent[];
  /** Events held for this partition after the batch; absent when nothing was applied. */
  parkedInPartition?: number;
}

/**
 * ### One partition batch → one transaction: rows + held events + checkpoint, or nothing.
 *
 * 1. Records below the checkpoint were applied before (a crash between the database
 *    commit and the Kafka commit redelivers them): skipped. Idempotent by position.
 * 2. If the live version changed since this partition was last seen (a rebuild was
 *    swapped in), or this is the first batch since start and the log is ahead of the
 *    checkpoint, the consumer is sent back to the checkpoint (`seekTo`) instead.
 * 3. Poison records (unparseable, schema-invalid, or refused by Postgres as data) are
 *    dead-lettered *before* the commit moves past them: never a silent drop, and never
 *    a partition blocked behind one bad record.
 * 4. An event that cannot be placed yet (a follow-up before its `OrderPlaced`, or after a
 *    version gap) is held in the version's parked table in this same transaction, and
 *    applied by the batch that brings its predecessor (ADR 0024). Never skipped.
 * 5. The live projector also journals each event's Kafka position and write time
 *    (`order_journal`, ADR 0046) in this transaction: the journal cannot disagree either.
 */
export class PartitionApplier {
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: ApplierOptions) {}

  async apply(records: ConsumedRecord[]): Promise<PartitionOutcome> {
    const { pool, store, target, deadLetter } = this.options;
    const nothing = { applied: 0, parked: [], released: [] };
    const first = records[0];
    if (!first) return nothing;
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
      const { checkpoint, parked } = await store.position(client, version, topic, partition);
      const seenVersion = this.seen.get(key);
      this.seen.set(key, version);
      if (
        checkpoint !== undefined &&
        seenVersion !== version &&
        BigInt(first.offset) > checkpoint
      ) {
        await client.query('ROLLBACK');
        return { ...nothing, seekTo: checkpoint.toString() };
      }
      const fresh =
        checkpoint === undefined
          ? records
          : records.filter((record) => BigInt(record.offset) >= checkpoint);
      if (fresh.length === 0) {
        await client.query('ROLLBACK');
        return nothing;
      }
      // A record Postgres refuses (not just one that fails to parse) is poison too.
      const result = await applyIsolatingPoison(client, store.schema, version, fresh, parked);
      if (result.poison.length > 0) await deadLetter(result.poison);
      // The live projector journals what it applied, with the rows (ADR 0046); a rebuild
      // replays history and would only record when the replay ran, so it does not.
      if (target.kind === 'live') {
        const poison = new Set(result.poison.map(({ record }) => record));
        const written = fresh.filter((record) => !poison.has(record));
        await writeJournal(client, store.schema, journalEntries(written));
      }
      const last = fresh[fresh.length - 1]!;
      await store.saveCheckpoint(client, version, topic, partition, BigInt(last.offset) + 1n);
      await client.query('COMMIT');
      return {
        applied: result.applied,
        parked: result.parked,
        released: result.released,
        parkedInPartition: result.parkedInPartition,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
