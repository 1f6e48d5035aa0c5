import type { OrderView } from '@switchyard/contracts';
import type { Pool } from 'pg';
import { ident } from './sql';

/**
 * Reads go through the `orders` view: whichever version is live right now.
 *
 * `placedAt` is written in UTC with a `Z`, as `OrderViewSchema` says (`z.iso.datetime()`):
 * `to_json(timestamptz)` writes the session's offset (`+00:00`, or `+01:00` on a server in
 * another time zone), which the contract refuses.
 */
export async function findOrder(
  pool: Pool,
  schema: string,
  orderId: string,
): Promise<OrderView | undefined> {
  const { rows } = await pool.query<OrderView>(
    `SELECT order_id AS "orderId", customer_id AS "customerId", region, items, status,
            to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "placedAt",
            version
     FROM ${ident(schema)}.orders WHERE order_id = $1`,
    [orderId],
  );
  return rows[0];
}
