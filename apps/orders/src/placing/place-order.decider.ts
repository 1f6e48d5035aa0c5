import { OrderEventTypes, type OrderPlaced, type PlaceOrderCommand } from '@switchyard/contracts';

/** Everything the decision needs from outside, passed in so the decider stays pure. */
export interface PlaceOrderContext {
  orderId: string;
  eventId: string;
  now: Date;
  correlationId: string;
  /** Trace context and other headers to carry along with the event. */
  headers: Record<string, string>;
}

/**
 * Pure business decision: a valid `PlaceOrder` command places a new order, written in
 * the current `OrderPlaced` version (v2: lines numbered 1..n in the order they came).
 * (Stock and payment checks join here in the saga: see issue #3.)
 */
export function decidePlaceOrder(
  command: PlaceOrderCommand,
  context: PlaceOrderContext,
): OrderPlaced {
  return {
    eventId: context.eventId,
    type: OrderEventTypes.OrderPlaced,
    schemaVersion: 2,
    occurredAt: context.now.toISOString(),
    aggregateId: context.orderId,
    aggregateVersion: 1,
    correlationId: context.correlationId,
    causationId: command.commandId,
    headers: context.headers,
    data: {
      orderId: context.orderId,
      customerId: command.customerId,
      region: command.region,
      items: command.items.map((item, index) => ({ ...item, lineNo: index + 1 })),
    },
  };
}
