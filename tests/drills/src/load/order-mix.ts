import type { OrderStatus, PlaceOrderRequest } from '@switchyard/contracts';

/**
 * ### The drill catalog and the order mix.
 *
 * The drills seed their own SKUs (the demo catalog is not loaded), sized so that the
 * outcome of most orders is known in advance:
 * - `DRILL-PLENTY` never runs out,
 * - `DRILL-SCARCE` sells out part-way through the tier (contended compare-and-set),
 * - `DRILL-TINY` has 10 units and is only ever asked for 100 (always short).
 */
export const DRILL_STOCK = {
  'DRILL-PLENTY': 1_000_000,
  'DRILL-SCARCE': 250,
  'DRILL-TINY': 10,
} as const;
export type DrillSku = keyof typeof DRILL_STOCK;
export const DRILL_PRICE_CENTS = 1_000;

export type OrderKind =
  'confirmed' | 'declined' | 'flaky-payment' | 'short-stock' | 'unknown-sku' | 'contended';

export interface PlannedOrder {
  kind: OrderKind;
  body: PlaceOrderRequest;
  /** The terminal statuses this order may end in. */
  expected: readonly OrderStatus[];
}

const REGIONS = ['eu-west', 'us-east', 'ap-south'] as const;

/**
 * The n-th order of the load: a fixed 20-step cycle, so every drill window sees every
 * kind. Test cards make the payment path deterministic (see apps/payments).
 */
export function planOrder(n: number): PlannedOrder {
  const region = REGIONS[n % REGIONS.length]!;
  const slot = n % 20;
  const quantity = 1 + (n % 3);
  const customer = `drill-c-${n % 97}`;
  if (slot < 11)
    return {
      kind: 'confirmed',
      body: { customerId: customer, region, items: [{ sku: 'DRILL-PLENTY', quantity }] },
      expected: ['CONFIRMED'],
    };
  if (slot < 14)
    return {
      kind: 'declined',
      body: {
        customerId: 'test-card-declined',
        region,
        items: [{ sku: 'DRILL-PLENTY', quantity }],
      },
      expected: ['CANCELLED'],
    };
  if (slot < 16)
    return {
      kind: 'flaky-payment',
      body: { customerId: 'test-card-flaky', region, items: [{ sku: 'DRILL-PLENTY', quantity }] },
      expected: ['CONFIRMED'],
    };
  if (slot === 16)
    // Two lines, the second always short: the first must be given back.
    return {
      kind: 'short-stock',
      body: {
        customerId: customer,
        region,
        items: [
          { sku: 'DRILL-PLENTY', quantity },
          { sku: 'DRILL-TINY', quantity: 100 },
        ],
      },
      expected: ['REJECTED'],
    };
  if (slot === 17)
    return {
      kind: 'unknown-sku',
      body: { customerId: customer, region, items: [{ sku: 'DRILL-NOT-SOLD', quantity: 1 }] },
      expected: ['REJECTED'],
    };
  return {
    kind: 'contended',
    body: {
      customerId: slot === 19 ? 'test-card-declined' : customer,
      region,
      items: [
        { sku: 'DRILL-SCARCE', quantity },
        { sku: 'DRILL-PLENTY', quantity: 1 },
      ],
    },
    // Confirmed (or cancelled by the test card) while stock lasts, rejected after.
    expected: slot === 19 ? ['CANCELLED', 'REJECTED'] : ['CONFIRMED', 'REJECTED'],
  };
}
