/** Quotes an identifier; names here come from the topology (validated), never from users. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const ORDERS_PROJECTION = 'orders';

export const ordersTable = (schema: string, version: number): string =>
  `${ident(schema)}.${ident(`orders_v${version}`)}`;

/** The events a version holds back until their predecessor arrives (`order-state.ts`). */
export const parkedTable = (schema: string, version: number): string =>
  `${ident(schema)}.${ident(`orders_v${version}_parked`)}`;
