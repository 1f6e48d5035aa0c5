import type { NatsConnection } from '@nats-io/transport-node';
import type {
  GetStockReply,
  ReleaseStockReply,
  ReserveStockReply,
  Topology,
} from '@switchyard/contracts';
import { nestRequest } from '@switchyard/testkit';

/**
 * What the saga asks inventory, as the saga asks it (Nest request-reply over NATS), for the
 * suites that drive real inventory processes. Each call gives the whole reply (`response` or
 * `err`), so a test can assert on refusals too.
 */
export function inventoryRequests(
  nc: NatsConnection,
  names: Topology,
  { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
) {
  const { subjects } = names.nats;
  return {
    reserve: (orderId: string, sku: string, quantity = 1) =>
      nestRequest<ReserveStockReply>(
        nc,
        subjects.reserveStock,
        { orderId, items: [{ sku, quantity }] },
        { timeoutMs },
      ),
    release: (orderId: string) =>
      nestRequest<ReleaseStockReply>(nc, subjects.releaseStock, { orderId }, { timeoutMs }),
    stockOf: async (sku: string) =>
      (await nestRequest<GetStockReply>(nc, subjects.getStock, { sku }, { timeoutMs })).response,
  };
}
