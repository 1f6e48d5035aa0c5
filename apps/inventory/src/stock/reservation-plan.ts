import type { OrderLine } from '@switchyard/contracts';

/**
 * The lines of one reservation, merged per SKU and sorted. Sorting gives every instance
 * the same order of keys to touch, which keeps concurrent reservations from repeatedly
 * undoing each other's work (the CAS version of lock ordering).
 */
export function planReservation(items: readonly OrderLine[]): OrderLine[] {
  const quantities = new Map<string, number>();
  for (const { sku, quantity } of items) quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  return [...quantities]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, quantity]) => ({ sku, quantity }));
}
