import type { OrderStatus } from '@switchyard/contracts';
import type { ScenarioContext } from './context';
import { until } from './poll';

/** SKU-2 has 5,000 units in the demo catalog: scenarios never run it out for the lessons. */
export const SCENARIO_SKU = 'SKU-2';
const REGIONS = ['eu-west', 'us-east', 'ap-south'];

export interface PlacedBatch {
  orderIds: string[];
  /** HTTP status → count, e.g. { 201: 10 }. */
  statuses: Record<number, number>;
  latenciesMs: number[];
}

/** Places `count` orders through the public API, one after another. */
export async function placeOrders(
  context: ScenarioContext,
  count: number,
  customer: string,
): Promise<PlacedBatch> {
  const batch: PlacedBatch = { orderIds: [], statuses: {}, latenciesMs: [] };
  for (let i = 0; i < count; i++) {
    const placed = await context.gateway.placeOrder(
      `${customer}-${i + 1}`,
      REGIONS[i % REGIONS.length]!,
      SCENARIO_SKU,
    );
    batch.statuses[placed.status] = (batch.statuses[placed.status] ?? 0) + 1;
    batch.latenciesMs.push(placed.latencyMs);
    if (placed.status === 201 && placed.orderId) batch.orderIds.push(placed.orderId);
  }
  return batch;
}

export const TERMINAL: readonly OrderStatus[] = ['CONFIRMED', 'CANCELLED', 'REJECTED'];

export type StatusCounts = Partial<Record<OrderStatus | 'not projected', number>>;

export function countStatuses(statuses: Map<string, OrderStatus | undefined>): StatusCounts {
  const counts: StatusCounts = {};
  for (const status of statuses.values()) {
    const key = status ?? 'not projected';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function describeCounts(counts: StatusCounts): string {
  return Object.entries(counts)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

/** Waits until the read model shows every order in a terminal status. */
export async function waitUntilTerminal(
  context: ScenarioContext,
  orderIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, OrderStatus | undefined>> {
  return until(
    `${orderIds.length} orders to reach a final status in the read model`,
    async () => {
      const statuses = await context.gateway.statuses(orderIds);
      return [...statuses.values()].every((status) => status && TERMINAL.includes(status))
        ? statuses
        : false;
    },
    timeoutMs,
  );
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
