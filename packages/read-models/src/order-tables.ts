import { upcastOrderEvent } from '@switchyard/contracts';
import type { PoolClient } from 'pg';
import type { OrderRow } from './order-row';
import type { HoldReason, LoggedEvent } from './order-state';
import { ordersTable, parkedTable } from './sql';

/** A held event as it is stored, with why it waits. */
export interface ParkedEvent extends LoggedEvent {
  reason: HoldReason;
}

/**
 * What a batch reads and writes in one version of the orders read model: its rows and
 * its held ("parked") events. `PgOrderTables` is the real one; the unit specs run the
 * same batch code against an in-memory one.
 */
export interface OrderTables {
  rows(orderIds: string[]): Promise<OrderRow[]>;
  /** Held events of these orders, any order. */
  parked(orderIds: string[]): Promise<LoggedEvent[]>;
  /** Writes rows; a row at or below the stored version is left alone. Returns rows written. */
  upsert(rows: OrderRow[]): Promise<number>;
  /** Stores held events; a version already held for the order keeps its first copy. */
  park(events: ParkedEvent[]): Promise<void>;
  /** Forgets held events (applied, or passed by the row), by order id and version. */
  unpark(events: LoggedEvent[]): Promise<void>;
  /** Events held for one partition: every event of an order is on its key's partition. */
  parkedCount(topic: string, partition: number): Promise<number>;
}

/** The orders read model's tables of one version, in the caller's transaction. */
export class PgOrderTables implements OrderTables {
  private readonly table: string;
  private readonly parkedIn: string;

  constructor(
    private readonly client: PoolClient,
    schema: string,
    version: number,
  ) {
    this.table = ordersTable(schema, version);
    this.parkedIn = parkedTable(schema, version);
  }

  async rows(orderIds: string[]): Promise<OrderRow[]> {
    const { rows } = await this.client.query<OrderRow>(
      `SELECT order_id AS "orderId", customer_id AS "customerId", region, items, status,
              to_json(placed_at)#>>'{}' AS "placedAt", version, last_event_id AS "lastEventId"
       FROM ${this.table} WHERE order_id = ANY($1::uuid[])`,
      [orderIds],
    );
    return rows;
  }

  async parked(orderIds: string[]): Promise<LoggedEvent[]> {
    const { rows } = await this.client.query<{
      topic: string;
      partition: number;
      offset: string;
      event: unknown;
    }>(
      `SELECT topic, partition, "offset"::text AS "offset", event FROM ${this.parkedIn}
       WHERE order_id = ANY($1::uuid[])`,
      [orderIds],
    );
    return rows.map(({ topic, partition, offset, event }) => {
      // Stored already upcast; read through the upcaster anyway, so an event held across
      // a contracts upgrade comes back in the current shape.
      const parsed = upcastOrderEvent(event);
      if (!parsed.ok) throw new Error(`a parked event no longer parses: ${parsed.reason}`);
      return { topic, partition, offset, event: parsed.event };
    });
  }

  async upsert(rows: OrderRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const { rowCount } = await this.client.query(
      `INSERT INTO ${this.table} (order_id, customer_id, region, items, status, placed_at, version, last_event_id)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
         "orderId" uuid, "customerId" text, region text, items jsonb, status text,
         "placedAt" timestamptz, version int, "lastEventId" uuid)
       ON CONFLICT (order_id) DO UPDATE SET
         customer_id = EXCLUDED.customer_id, region = EXCLUDED.region, items = EXCLUDED.items,
         status = EXCLUDED.status, placed_at = EXCLUDED.placed_at, version = EXCLUDED.version,
         last_event_id = EXCLUDED.last_event_id
       WHERE ${this.table}.version < EXCLUDED.version`,
      [JSON.stringify(rows)],
    );
    return rowCount ?? 0;
  }

  async park(events: ParkedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.parkedIn} (order_id, aggregate_version, topic, partition, "offset", reason, event)
       SELECT r."orderId", r.version, r.topic, r.partition, r."offset", r.reason, r.event
       FROM jsonb_to_recordset($1::jsonb) AS r(
         "orderId" uuid, version int, topic text, partition int, "offset" bigint, reason text, event jsonb)
       ON CONFLICT (order_id, aggregate_version) DO NOTHING`,
      [
        JSON.stringify(
          events.map(({ event, topic, partition, offset, reason }) => ({
            orderId: event.aggregateId,
            version: event.aggregateVersion,
            topic,
            partition,
            offset,
            reason,
            event,
          })),
        ),
      ],
    );
  }

  async unpark(events: LoggedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.client.query(
      `DELETE FROM ${this.parkedIn} p USING jsonb_to_recordset($1::jsonb) AS r("orderId" uuid, version int)
       WHERE p.order_id = r."orderId" AND p.aggregate_version = r.version`,
      [
        JSON.stringify(
          events.map(({ event }) => ({
            orderId: event.aggregateId,
            version: event.aggregateVersion,
          })),
        ),
      ],
    );
  }

  async parkedCount(topic: string, partition: number): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.parkedIn} WHERE topic = $1 AND partition = $2`,
      [topic, partition],
    );
    return rows[0]?.n ?? 0;
  }
}
