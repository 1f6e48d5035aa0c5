import type { DrillSummary } from '../drill-summary';
import type { OrderLoad } from '../load/order-load';

/** Everything a drill must leave intact, single brokers or clusters alike. */
export function expectInvariants({ report }: DrillSummary, load: OrderLoad): void {
  expect(report.problems.slice(0, 20)).toEqual([]);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
  expect(report.wrongStatus).toBe(0);
  expect(report.missingOnKafka).toBe(0);
  expect(report.reservationProblems).toBe(0);
  expect(report.deadLetters.unexpected).toEqual([]);
  expect(report.deadLetters.missing).toEqual([]);
  for (const [sku, { available, sold, confirmedQuantity }] of Object.entries(report.stock)) {
    // Exact stock: inventory has handed out what the confirmed orders hold, no more (no
    // units stranded by a change whose answer was lost) and no less (never oversold,
    // never given back twice). Stock changes carry operation ids (ADR 0010).
    expect(available).toBeGreaterThanOrEqual(0);
    expect({ sku, sold }).toEqual({ sku, sold: confirmedQuantity });
  }
  expect(load.unexpected).toEqual([]);
}
