import type { OrderView } from '@switchyard/contracts';
import type { Pool } from 'pg';
import { ident } from './sql';

/** Reads go through the `orders` view: whichever version is live right now. */
export async function findOrder(
  pool: Pool,
  schema: string,
  orderId: string,
): Promise<OrderView | undefined> {
  const { rows } = await pool.query<OrderView>(
    `SELECT order_id AS "orderId", customer_id AS "customerId", region, items, status,
            to_json(placed_at)#>>'{}' AS "placedAt", version
     FROM ${ident(schema)}.orders WHERE order_id = $1`,
    [orderId],
  );
  return rows[0];
}
