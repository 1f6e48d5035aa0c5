import {
  MessageHeaders,
  OrderEventTypes,
  ProjectedEventSchema,
  type ProjectedEvent,
} from '@switchyard/contracts';
import type { ConsumedRecord } from '@switchyard/messaging';
import type { Pool, PoolClient } from 'pg';
import { ident } from './sql';

/** The journal table: one row per event the live projector wrote (not versioned). */
export const orderJournalTable = (schema: string): string =>
  `${ident(schema)}.${ident('order_journal')}`;

export const createOrderJournalTable = (schema: string): string =>
  `CREATE TABLE IF NOT EXISTS ${orderJournalTable(schema)} (
    event_id uuid PRIMARY KEY,
    order_id uuid NOT NULL,
    event_type text NOT NULL,
    topic text NOT NULL,
    partition int NOT NULL,
    "offset" bigint NOT NULL,
    forwarded_at timestamptz,
    projected_at timestamptz NOT NULL DEFAULT now())`;

export const createOrderJournalIndex = (schema: string): string =>
  `CREATE INDEX IF NOT EXISTS ${ident('order_journal_order')} ON ${orderJournalTable(schema)} (order_id)`;

/** What `pruneOrderJournal` walks: the oldest rows first, without reading the table. */
export const createOrderJournalAgeIndex = (schema: string): string =>
  `CREATE INDEX IF NOT EXISTS ${ident('order_journal_projected_at')} ON ${orderJournalTable(schema)} (projected_at)`;

/** One journal row before it is written. */
export interface JournalEntry {
  eventId: string;
  orderId: string;
  type: string;
  topic: string;
  partition: number;
  offset: string;
  forwardedAt: string | null;
}

const { eventId: Uuid, forwardedAt: Timestamp } = ProjectedEventSchema.shape;
/** The order event types: a header is free text (a NUL in it would fail the batch). */
const EVENT_TYPES: readonly string[] = Object.values(OrderEventTypes);

/**
 * ### What the journal keeps of a batch: ids and positions, read from the record's headers.
 *
 * Only what parses: the journal is a view for operators, written in the batch's
 * transaction, so a value Postgres would refuse (an id that is not a UUID) must never
 * reach it, or one odd header would fail the batch, and the partition with it, for good.
 * A record without the envelope's headers (or a poison record) is simply not journaled.
 */
export function journalEntries(records: ConsumedRecord[]): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const record of records) {
    const eventId = Uuid.safeParse(record.headers[MessageHeaders.eventId]);
    const orderId = Uuid.safeParse(record.key);
    const type = record.headers[MessageHeaders.eventType];
    if (!eventId.success || !orderId.success || !type || !EVENT_TYPES.includes(type)) continue;
    const forwardedAt = Timestamp.safeParse(record.headers[MessageHeaders.forwardedAt]);
    entries.push({
      eventId: eventId.data,
      orderId: orderId.data,
      type,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      forwardedAt: forwardedAt.success ? forwardedAt.data : null,
    });
  }
  return entries;
}

/**
 * Writes the entries in the caller's transaction (the batch's, with its rows and
 * checkpoint): `projected_at` is that transaction's start (`now()`). A redelivered
 * event (the bridge may send one twice) keeps its first row.
 */
export async function writeJournal(
  client: PoolClient,
  schema: string,
  entries: JournalEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO ${orderJournalTable(schema)}
       (event_id, order_id, event_type, topic, partition, "offset", forwarded_at)
     SELECT r."eventId", r."orderId", r.type, r.topic, r.partition, r."offset", r."forwardedAt"
     FROM jsonb_to_recordset($1::jsonb) AS r(
       "eventId" uuid, "orderId" uuid, type text, topic text, partition int, "offset" bigint,
       "forwardedAt" timestamptz)
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(entries)],
  );
}

const utc = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The journal of one order, oldest first (per order, Kafka offsets are in order). */
export async function findOrderJournal(
  pool: Pool,
  schema: string,
  orderId: string,
): Promise<ProjectedEvent[]> {
  const { rows } = await pool.query<ProjectedEvent>(
    `SELECT event_id AS "eventId", event_type AS type, topic, partition,
            "offset"::text AS "offset",
            CASE WHEN forwarded_at IS NULL THEN NULL ELSE ${utc('forwarded_at')} END AS "forwardedAt",
            ${utc('projected_at')} AS "projectedAt"
     FROM ${orderJournalTable(schema)} WHERE order_id = $1 ORDER BY "offset"`,
    [orderId],
  );
  return rows;
}

/**
 * ### Deletes the journal rows projected more than `olderThanSeconds` ago; returns how many.
 *
 * The journal is an operator's view of recent orders, not history: history is the Kafka
 * log and the read model, which never lose an event to this. Without pruning it grows by a
 * row per event forever. Deleted in batches of `batchSize`, each its own short statement,
 * so a first prune of a large backlog never holds locks across the whole table or blocks
 * the projector's writes for long. Several projector replicas may prune at once: a row
 * deleted twice is deleted once.
 */
export async function pruneOrderJournal(
  pool: Pool,
  schema: string,
  olderThanSeconds: number,
  batchSize = 5_000,
): Promise<number> {
  const table = orderJournalTable(schema);
  let deleted = 0;
  for (;;) {
    const { rowCount } = await pool.query(
      `DELETE FROM ${table} WHERE event_id IN (
         SELECT event_id FROM ${table}
         WHERE projected_at < now() - make_interval(secs => $1)
         ORDER BY projected_at LIMIT $2)`,
      [olderThanSeconds, batchSize],
    );
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < batchSize) return deleted;
  }
}
