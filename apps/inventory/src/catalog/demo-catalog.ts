/**
 * The demo catalog: what `npm run demo` and `docker compose up` can sell out of the box.
 * Prices are in cents; stock is loaded once, for SKUs that have no stock entry yet, so a
 * restart never refills what customers bought.
 */
export const DEMO_CATALOG = [
  { sku: 'SKU-1', name: 'Signal lamp', priceCents: 2_500, stock: 1_000 },
  { sku: 'SKU-2', name: 'Rail spike (box of 50)', priceCents: 1_200, stock: 5_000 },
  { sku: 'SKU-3', name: 'Switch lever', priceCents: 8_900, stock: 200 },
  { sku: 'SKU-4', name: 'Brass whistle', priceCents: 1_500, stock: 50 },
  { sku: 'SKU-LIMITED', name: 'Collector timetable (limited run)', priceCents: 4_900, stock: 5 },
] as const;
