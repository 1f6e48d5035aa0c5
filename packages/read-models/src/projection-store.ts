import type { PoolClient } from 'pg';
import {
  createOrderJournalAgeIndex,
  createOrderJournalIndex,
  createOrderJournalTable,
  orderJournalTable,
} from './order-journal';
import { createRebuildRunsTable } from './rebuild-runs';
import { ident, ORDERS_PROJECTION, ordersTable, parkedTable } from './sql';

/**
 * ### Versioned read models with checkpoints, blue-green.
 *
 * - Each version of the orders read model is its own table, `orders_v<N>`.
 * - `projections` says which version is live; the view `orders` points at it. Readers
 *   only ever query the view, so switching versions is one transaction: readers see the
 *   old table until it commits and the new one right after.
 * - `checkpoints` holds, per version and partition, the next Kafka offset to apply. It
 *   is written in the same transaction as the rows, so rows and position can never
 *   disagree; the offset committed to Kafka is only a hint for where to resume.
 * - Each version has its parked table, `orders_v<N>_parked`: the events it holds until
 *   their predecessor arrives (ADR 0024). Created and dropped with the version, written
 *   in the same transactions as its rows, and part of its `digest`.
 * - `order_journal`, one table for all versions: where the live projector found each
 *   event on Kafka and when it wrote it (the order's journey, ADR 0046).
 */
export class ProjectionStore {
  constructor(readonly schema: string) {}

  /**
   * Creates the schema, registry and first version if missing. Safe to run concurrently.
   *
   * Needs the schema's owner (the rebuilder's role, or the set-up) unless everything is
   * already there: then it returns before any DDL, which is how the projector, whose
   * role may only read and write rows (ADR 0035), gets through its start.
   */
  async initialize(client: PoolClient): Promise<void> {
    if (await this.isInitialized(client)) return;
    const s = ident(this.schema);
    await client.query('BEGIN');
    try {
      // Serialize concurrent initializers (projector instances, the rebuilder).
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        `switchyard-init:${this.schema}`,
      ]);
      // CREATE SCHEMA checks the database's CREATE right before it looks whether the schema
      // exists, so even IF NOT EXISTS fails for the schema's owner without that right.
      const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [
        this.schema,
      ]);
      if (!schema.rowCount) await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.projections (
        name text PRIMARY KEY,
        active_version int NOT NULL,
        previous_version int,
        swapped_at timestamptz NOT NULL DEFAULT now())`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
        projection text NOT NULL,
        version int NOT NULL,
        topic text NOT NULL,
        partition int NOT NULL,
        next_offset bigint NOT NULL,
        PRIMARY KEY (projection, version, topic, partition))`);
      await client.query(createRebuildRunsTable(this.schema));
      await client.query(createOrderJournalTable(this.schema));
      await client.query(createOrderJournalIndex(this.schema));
      await client.query(createOrderJournalAgeIndex(this.schema));
      const { rowCount } = await client.query(`SELECT 1 FROM ${s}.projections WHERE name = $1`, [
        ORDERS_PROJECTION,
      ]);
      // Versions created before parked tables existed get theirs (empty: nothing was held).
      for (const version of await this.versions(client)) {
        await this.createParkedTable(client, version);
      }
      if (!rowCount) {
        await this.createVersion(client, 1);
        await client.query(`INSERT INTO ${s}.projections (name, active_version) VALUES ($1, 1)`, [
          ORDERS_PROJECTION,
        ]);
        await client.query(
          `CREATE OR REPLACE VIEW ${s}.orders AS SELECT * FROM ${ordersTable(this.schema, 1)}`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  /** Is everything `initialize` creates already there (so it has nothing to do)? */
  async isInitialized(client: PoolClient): Promise<boolean> {
    const s = ident(this.schema);
    const { rows } = await client.query<{ ready: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL
          AND to_regclass($3) IS NOT NULL AND to_regclass($4) IS NOT NULL
          AND to_regclass($6) IS NOT NULL
          AND EXISTS (SELECT 1 FROM information_schema.columns
                      WHERE table_schema = $5 AND table_name = 'rebuild_runs' AND column_name = 'warning')
          AS ready`,
      [
        `${s}.projections`,
        `${s}.checkpoints`,
        `${s}.rebuild_runs`,
        `${s}.orders`,
        this.schema,
        orderJournalTable(this.schema),
      ],
    );
    if (!rows[0]?.ready) return false;
    const registered = await client.query(`SELECT 1 FROM ${s}.projections WHERE name = $1`, [
      ORDERS_PROJECTION,
    ]);
    if (!registered.rowCount) return false;
    for (const version of await this.versions(client)) {
      const parked = await client.query<{ found: string | null }>(
        'SELECT to_regclass($1)::text AS found',
        [parkedTable(this.schema, version)],
      );
      if (parked.rows[0]?.found === null) return false;
    }
    return true;
  }

  async createVersion(client: PoolClient, version: number): Promise<void> {
    await client.query(`CREATE TABLE ${ordersTable(this.schema, version)} (
      order_id uuid PRIMARY KEY,
      customer_id text NOT NULL,
      region text NOT NULL,
      items jsonb NOT NULL,
      status text NOT NULL,
      placed_at timestamptz NOT NULL,
      version int NOT NULL,
      last_event_id uuid NOT NULL)`);
    await this.createParkedTable(client, version);
  }

  /**
   * Events held back (ADR 0024), one per order and aggregate version, with where they are
   * in the log and why they wait. Indexed by partition: each batch counts its own.
   */
  private async createParkedTable(client: PoolClient, version: number): Promise<void> {
    const table = parkedTable(this.schema, version);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      order_id uuid NOT NULL,
      aggregate_version int NOT NULL,
      topic text NOT NULL,
      partition int NOT NULL,
      "offset" bigint NOT NULL,
      reason text NOT NULL,
      event jsonb NOT NULL,
      parked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (order_id, aggregate_version))`);
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${ident(`orders_v${version}_parked_partition`)} ON ${table} (topic, partition)`,
    );
  }

  /**
   * The live version. `FOR SHARE` inside a batch transaction makes a concurrent swap
   * (which takes `FOR UPDATE`) wait until the batch commits, and the batch after it
   * see the new version.
   */
  async activeVersion(
    client: PoolClient,
    lock: 'share' | 'none' = 'none',
  ): Promise<{ active: number; previous: number | null }> {
    const { rows } = await client.query<{
      active_version: number;
      previous_version: number | null;
    }>(
      `SELECT active_version, previous_version FROM ${ident(this.schema)}.projections WHERE name = $1 ${lock === 'share' ? 'FOR SHARE' : ''}`,
      [ORDERS_PROJECTION],
    );
    if (!rows[0])
      throw new Error(`projection ${ORDERS_PROJECTION} is not initialized in ${this.schema}`);
    return { active: rows[0].active_version, previous: rows[0].previous_version };
  }

  async checkpoint(
    client: PoolClient,
    version: number,
    topic: string,
    partition: number,
  ): Promise<bigint | undefined> {
    const { rows } = await client.query<{ next_offset: string }>(
      `SELECT next_offset FROM ${ident(this.schema)}.checkpoints
       WHERE projection = $1 AND version = $2 AND topic = $3 AND partition = $4`,
      [ORDERS_PROJECTION, version, topic, partition],
    );
    return rows[0] ? BigInt(rows[0].next_offset) : undefined;
  }

  /**
   * The checkpoint and the number of events the version holds for the partition, in one
   * round trip: the batch reads held events only when there are some.
   */
  async position(
    client: PoolClient,
    version: number,
    topic: string,
    partition: number,
  ): Promise<{ checkpoint: bigint | undefined; parked: number }> {
    const { rows } = await client.query<{ next_offset: string | null; parked: number }>(
      `SELECT (SELECT next_offset FROM ${ident(this.schema)}.checkpoints
               WHERE projection = $1 AND version = $2 AND topic = $3 AND partition = $4) AS next_offset,
              (SELECT count(*)::int FROM ${parkedTable(this.schema, version)}
               WHERE topic = $3 AND partition = $4) AS parked`,
      [ORDERS_PROJECTION, version, topic, partition],
    );
    const row = rows[0]!;
    return {
      checkpoint: row.next_offset === null ? undefined : BigInt(row.next_offset),
      parked: row.parked,
    };
  }

  /** Events the version holds, all partitions (the projection status, ADR 0024). */
  async parkedCount(client: PoolClient, version: number): Promise<number> {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${parkedTable(this.schema, version)}`,
    );
    return rows[0]?.n ?? 0;
  }

  /** Every checkpoint of a version on `topic`: partition → next offset to apply. */
  async checkpoints(
    client: PoolClient,
    version: number,
    topic: string,
  ): Promise<Map<number, bigint>> {
    const { rows } = await client.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM ${ident(this.schema)}.checkpoints
       WHERE projection = $1 AND version = $2 AND topic = $3`,
      [ORDERS_PROJECTION, version, topic],
    );
    return new Map(rows.map((row) => [row.partition, BigInt(row.next_offset)]));
  }

  async saveCheckpoint(
    client: PoolClient,
    version: number,
    topic: string,
    partition: number,
    nextOffset: bigint,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${ident(this.schema)}.checkpoints (projection, version, topic, partition, next_offset)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (projection, version, topic, partition)
       DO UPDATE SET next_offset = GREATEST(checkpoints.next_offset, EXCLUDED.next_offset)`,
      [ORDERS_PROJECTION, version, topic, partition, nextOffset.toString()],
    );
  }

  /** Every version table that exists (live, previous, or left by a failed rebuild). */
  async versions(client: PoolClient): Promise<number[]> {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name ~ '^orders_v[0-9]+$'`,
      [this.schema],
    );
    return rows.map((row) => Number(row.table_name.slice('orders_v'.length))).sort((a, b) => a - b);
  }

  /** Drops a version's tables and checkpoints (a failed or superseded rebuild). */
  async dropVersion(client: PoolClient, version: number): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS ${ordersTable(this.schema, version)}`);
    await client.query(`DROP TABLE IF EXISTS ${parkedTable(this.schema, version)}`);
    await client.query(
      `DELETE FROM ${ident(this.schema)}.checkpoints WHERE projection = $1 AND version = $2`,
      [ORDERS_PROJECTION, version],
    );
  }

  /**
   * The atomic swap: in one transaction, point the view at `version`, record the old
   * live version as `previous` (kept for rollback), and drop anything older. A running
   * projector notices the new version on its next batch and re-reads from the new
   * version's checkpoints.
   *
   * `alsoInTransaction` runs inside the same transaction (the rebuilder marks its run
   * `swapped` there), so the swap and its record commit or roll back together.
   */
  async activate(
    client: PoolClient,
    version: number,
    alsoInTransaction?: (client: PoolClient) => Promise<void>,
  ): Promise<{ previous: number }> {
    const s = ident(this.schema);
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ active_version: number }>(
        `SELECT active_version FROM ${s}.projections WHERE name = $1 FOR UPDATE`,
        [ORDERS_PROJECTION],
      );
      const previous = rows[0]!.active_version;
      await client.query(
        `CREATE OR REPLACE VIEW ${s}.orders AS SELECT * FROM ${ordersTable(this.schema, version)}`,
      );
      await client.query(
        `UPDATE ${s}.projections SET active_version = $2, previous_version = $3, swapped_at = now() WHERE name = $1`,
        [ORDERS_PROJECTION, version, previous],
      );
      for (const old of await this.versions(client)) {
        if (old !== version && old !== previous) await this.dropVersion(client, old);
      }
      if (alsoInTransaction) await alsoInTransaction(client);
      await client.query('COMMIT');
      return { previous };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }

  /**
   * A deterministic digest of a version: its rows and its held events. Equal digests mean
   * equal read models (up to a 120-bit hash collision): a rebuild that held or released
   * differently from the live projection does not compare equal.
   *
   * Constant memory on purpose: each row is hashed, and the hashes are *summed* (two
   * 60-bit halves), which needs neither a sort nor one string of every row. (A
   * `string_agg` of the rows would hold the whole table as one value in the backend and
   * fail past Postgres' 1 GB limit, a few million orders in.) Summing is order-free,
   * and safe here because every row hash includes its unique key. Held events are hashed
   * by order, version, event id and place in the log, not by when they were parked.
   */
  async digest(
    client: PoolClient,
    version: number,
  ): Promise<{ rows: number; parked: number; md5: string }> {
    const { rows } = await client.query<{ count: string; parked: string; md5: string }>(
      `WITH hashed AS (
         SELECT md5(concat_ws('|', order_id, customer_id, region, items::text, status,
                  to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), version, last_event_id)) AS h
         FROM ${ordersTable(this.schema, version)}),
       held AS (
         SELECT md5(concat_ws('|', 'parked', order_id, aggregate_version, event->>'eventId',
                  topic, partition, "offset")) AS h
         FROM ${parkedTable(this.schema, version)}),
       sums AS (
         SELECT (SELECT count(*) FROM hashed) AS count,
                (SELECT count(*) FROM held) AS parked,
                coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint), 0) AS hi,
                coalesce(sum(('x' || substr(h, 16, 15))::bit(60)::bigint), 0) AS lo
         FROM (SELECT h FROM hashed UNION ALL SELECT h FROM held) AS every_hash)
       SELECT count, parked, md5(concat_ws(':', count, parked, hi, lo)) AS md5 FROM sums`,
    );
    const row = rows[0]!;
    return { rows: Number(row.count), parked: Number(row.parked), md5: row.md5 };
  }
}
