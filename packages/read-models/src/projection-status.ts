import type { ProjectionName, ProjectionStatus } from '@switchyard/contracts';
import type { Pool } from 'pg';
import type { ProjectionStore } from './projection-store';
import type { RebuildRuns } from './rebuild-runs';

/**
 * ### The live version and the last rebuild run, as of one instant.
 *
 * The swap changes both in one transaction (`activate` marks the run `swapped`), so a
 * reader must see both from one snapshot too: read in separate statements under READ
 * COMMITTED, a swap committed between them showed `lastRun: swapped` (version 2) next to
 * `activeVersion: 1` — a status that never existed (seen in CI as a flaky admin test).
 * REPEATABLE READ takes one snapshot at the transaction's first query and keeps it for
 * every query after; READ ONLY, since a status changes nothing.
 */
export async function readProjectionStatus(
  pool: Pool,
  store: ProjectionStore,
  runs: RebuildRuns,
  projection: ProjectionName,
): Promise<ProjectionStatus> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { active, previous } = await store.activeVersion(client);
    const status: ProjectionStatus = {
      projection,
      activeVersion: active,
      previousVersion: previous,
      parkedEvents: await store.parkedCount(client, active),
      lastRun: await runs.latest(client, projection),
    };
    await client.query('COMMIT');
    return status;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
