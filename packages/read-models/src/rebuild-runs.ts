import { randomUUID } from 'node:crypto';
import type { RebuildRun, RebuildRunState } from '@switchyard/contracts';
import type { Pool, PoolClient } from 'pg';
import { ident } from './sql';

/**
 * After this long without a progress write, a `running` row is reported as failed: the
 * process that owned it is gone (a run writes its row about once a second).
 */
const ABANDONED_AFTER_SECONDS = 30;

/** DDL for the run log; `ProjectionStore.initialize` runs it with the other tables. */
export const createRebuildRunsTable = (schema: string): string =>
  `CREATE TABLE IF NOT EXISTS ${ident(schema)}.rebuild_runs (
    run_id uuid PRIMARY KEY,
    projection text NOT NULL,
    state text NOT NULL CHECK (state IN ('running', 'swapped', 'failed')),
    version int,
    events_total bigint NOT NULL DEFAULT 0,
    events_applied bigint NOT NULL DEFAULT 0,
    events_per_second double precision NOT NULL DEFAULT 0,
    eta_seconds double precision,
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    error text);
  ALTER TABLE ${ident(schema)}.rebuild_runs ADD COLUMN IF NOT EXISTS warning text`;

export interface RunProgressFields {
  version?: number;
  eventsTotal?: number;
  eventsApplied?: number;
  eventsPerSecond?: number;
  etaSeconds?: number | null;
}

/** Held for a whole rebuild (or rollback) of one projection; `release()` exactly once. */
export interface ProjectionLock {
  release(): Promise<void>;
}

interface RunRow {
  run_id: string;
  state: RebuildRunState;
  version: number | null;
  events_total: string;
  events_applied: string;
  events_per_second: number;
  eta_seconds: number | null;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
  warning: string | null;
}

/**
 * ### Who is rebuilding what, and how far it got: one table, shared by every instance.
 *
 * - **One rebuild per projection at a time**, across processes (the CLI and every
 *   `rebuilder serve` instance): a session-level advisory lock, held on a dedicated
 *   connection for the whole run. If the process dies, Postgres ends the session and the
 *   lock is released with it: no stale lock to clear by hand, unlike a lock row.
 * - **The run log** (`rebuild_runs`) is written about once a second, so any instance
 *   answers `GetProjectionStatus` the same way, and the answer survives restarts.
 *   A row left `running` by a dead process is reported `failed` after 30 s without a
 *   write, and rewritten as such by the next run that takes the lock.
 */
export class RebuildRuns {
  constructor(readonly schema: string) {}

  /** Takes the projection's rebuild lock, or returns `undefined` if someone holds it. */
  async tryLock(pool: Pool, projection: string): Promise<ProjectionLock | undefined> {
    const client = await pool.connect();
    const key = `switchyard-rebuild:${this.schema}:${projection}`;
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
        [key],
      );
      if (!rows[0]?.locked) {
        client.release();
        return undefined;
      }
    } catch (error) {
      client.release();
      throw error;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
          client.release();
        } catch (error) {
          // A broken connection: discard it; its session (and the lock) is gone anyway.
          client.release(error as Error);
        }
      },
    };
  }

  /**
   * Records a new run. Call it holding the lock: any other `running` row is then a run
   * whose process died, and is closed as failed first.
   */
  async begin(pool: Pool, projection: string): Promise<string> {
    const runId = randomUUID();
    const runs = `${ident(this.schema)}.rebuild_runs`;
    await pool.query(
      `UPDATE ${runs} SET state = 'failed', finished_at = now(), eta_seconds = NULL,
         error = 'abandoned: the process running it ended before it finished'
       WHERE projection = $1 AND state = 'running'`,
      [projection],
    );
    await pool.query(`INSERT INTO ${runs} (run_id, projection, state) VALUES ($1, $2, 'running')`, [
      runId,
      projection,
    ]);
    return runId;
  }

  /** A progress write; it also proves the run is alive (`updated_at`). */
  async progress(pool: Pool, runId: string, fields: RunProgressFields): Promise<void> {
    await pool.query(
      `UPDATE ${ident(this.schema)}.rebuild_runs SET
         version = COALESCE($2, version),
         events_total = COALESCE($3, events_total),
         events_applied = COALESCE($4, events_applied),
         events_per_second = COALESCE($5, events_per_second),
         eta_seconds = CASE WHEN $6::boolean THEN $7 ELSE eta_seconds END,
         updated_at = now()
       WHERE run_id = $1 AND state = 'running'`,
      [
        runId,
        fields.version ?? null,
        fields.eventsTotal ?? null,
        fields.eventsApplied ?? null,
        fields.eventsPerSecond ?? null,
        fields.etaSeconds !== undefined,
        fields.etaSeconds ?? null,
      ],
    );
  }

  /**
   * Records that the run goes on despite a known problem (an operator's override), so the
   * status says so while it runs and after it swapped.
   */
  async warn(pool: Pool, runId: string, warning: string): Promise<void> {
    await pool.query(
      `UPDATE ${ident(this.schema)}.rebuild_runs SET warning = $2, updated_at = now() WHERE run_id = $1`,
      [runId, warning],
    );
  }

  /**
   * Closes a run. Pass the swap transaction's client for `swapped`, so the row says
   * `swapped` exactly when the new version is live.
   */
  async finish(
    db: Pool | PoolClient,
    runId: string,
    outcome: { state: 'swapped'; eventsApplied: number } | { state: 'failed'; error: string },
  ): Promise<void> {
    await db.query(
      `UPDATE ${ident(this.schema)}.rebuild_runs SET
         state = $2, finished_at = now(), updated_at = now(), eta_seconds = NULL,
         events_applied = COALESCE($3, events_applied), error = $4
       WHERE run_id = $1`,
      [
        runId,
        outcome.state,
        outcome.state === 'swapped' ? outcome.eventsApplied : null,
        outcome.state === 'failed' ? outcome.error : null,
      ],
    );
  }

  /** The newest run of a projection, or `null` if it was never rebuilt. */
  async latest(db: Pool | PoolClient, projection: string): Promise<RebuildRun | null> {
    const stale = `state = 'running' AND updated_at < now() - interval '${ABANDONED_AFTER_SECONDS} seconds'`;
    const { rows } = await db.query<RunRow>(
      `SELECT run_id, version, events_total, events_applied, events_per_second, started_at,
              CASE WHEN ${stale} THEN 'failed' ELSE state END AS state,
              CASE WHEN ${stale} THEN 'abandoned: no progress written for ${ABANDONED_AFTER_SECONDS} s'
                   ELSE error END AS error,
              eta_seconds, finished_at, warning
       FROM ${ident(this.schema)}.rebuild_runs WHERE projection = $1
       ORDER BY started_at DESC LIMIT 1`,
      [projection],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      runId: row.run_id,
      state: row.state,
      version: row.version,
      eventsTotal: Number(row.events_total),
      eventsApplied: Number(row.events_applied),
      eventsPerSecond: row.events_per_second,
      etaSeconds: row.eta_seconds,
      startedAt: row.started_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
      error: row.error,
      warning: row.warning,
    };
  }
}
