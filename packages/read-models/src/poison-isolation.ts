import type { ConsumedRecord } from '@switchyard/messaging';
import type { PoolClient } from 'pg';
import { applyOrderRecords, type PoisonRecord } from './orders-projection';

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
 */
export async function applyIsolatingPoison(
  client: PoolClient,
  schema: string,
  version: number,
  records: ConsumedRecord[],
): Promise<{ applied: number; poison: PoisonRecord[] }> {
  const whole = await attempt(client, 'sy_batch', () =>
    applyOrderRecords(client, schema, version, records),
  );
  if (whole.ok) return whole.value;

  let applied = 0;
  const poison: PoisonRecord[] = [];
  for (const record of records) {
    const one = await attempt(client, 'sy_record', () =>
      applyOrderRecords(client, schema, version, [record]),
    );
    if (one.ok) {
      applied += one.value.applied;
      poison.push(...one.value.poison);
    } else {
      poison.push({ record, reason: `cannot be applied: ${one.error.message}` });
    }
  }
  return { applied, poison };
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
