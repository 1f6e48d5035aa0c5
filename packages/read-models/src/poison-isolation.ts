import type { ConsumedRecord } from '@switchyard/messaging';
import type { PoolClient } from 'pg';
import { applyOrderRecords, type OrderBatchResult } from './orders-projection';
import { PgOrderTables } from './order-tables';

/**
 * Postgres refuses the data itself, and always will: SQLSTATE class 22 (data exception:
 * a NUL character, a number out of range, an impossible date) or 23 (a constraint).
 * Anything else (the connection dropped, the server shutting down, a deadlock) may pass,
 * so it is NOT poison: the batch is retried instead, and nothing is dead-lettered
 * because Postgres had a bad minute.
 */
function isDataError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * ### Applies a batch; a record the database refuses becomes poison, not a blocker.
 *
 * The set-based write (`applyOrderRecords`) is all or nothing: one record that parses
 * and validates but cannot be stored would fail the whole batch, every time, and the
 * partition would stop for good behind it. So when the batch fails with a data error,
 * it is rolled back to a savepoint and applied again one record at a time, in offset
 * order (the same fold, one step per call). The records Postgres refuses come back as
 * poison with its reason; the rest are applied. Must run inside the caller's transaction.
 *
 * `parkedInPartition` (events held for the partition, read with the checkpoint) is
 * carried from record to record: a record held one step earlier must be found by the
 * `OrderPlaced` that releases it one step later.
 */
export async function applyIsolatingPoison(
  client: PoolClient,
  schema: string,
  version: number,
  records: ConsumedRecord[],
  parkedInPartition: number,
): Promise<OrderBatchResult> {
  const tables = new PgOrderTables(client, schema, version);
  const whole = await attempt(client, 'sy_batch', () =>
    applyOrderRecords(tables, records, parkedInPartition),
  );
  if (whole.ok) return whole.value;

  const result: OrderBatchResult = {
    applied: 0,
    poison: [],
    parked: [],
    released: [],
    parkedInPartition,
  };
  for (const record of records) {
    const one = await attempt(client, 'sy_record', () =>
      applyOrderRecords(tables, [record], result.parkedInPartition),
    );
    if (one.ok) {
      result.applied += one.value.applied;
      result.poison.push(...one.value.poison);
      result.parked.push(...one.value.parked);
      result.released.push(...one.value.released);
      result.parkedInPartition = one.value.parkedInPartition;
    } else {
      result.poison.push({ record, reason: `cannot be applied: ${one.error.message}` });
    }
  }
  return result;
}

/** Runs `work` under a savepoint: a data error rolls back to it and is returned; others throw. */
async function attempt<T>(
  client: PoolClient,
  savepoint: string,
  work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: Error }> {
  await client.query(`SAVEPOINT ${savepoint}`);
  try {
    const value = await work();
    await client.query(`RELEASE SAVEPOINT ${savepoint}`);
    return { ok: true, value };
  } catch (error) {
    if (!isDataError(error)) throw error;
    await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
    return { ok: false, error };
  }
}
