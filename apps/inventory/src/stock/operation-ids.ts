/**
 * ### One id per stock change an order causes, the same on every attempt.
 *
 * `StockStore.adjust` sends it as `Nats-Msg-Id`, so JetStream stores each change once
 * whoever makes it, however often (within the stream's duplicate window). Lines are
 * merged per SKU (`planReservation`), so order + SKU + what the change is for names it.
 */
export const stockOperationId = {
  /** Taking a line of the order's reservation. */
  reserve: (orderId: string, sku: string) => `reserve:${orderId}:${sku}`,
  /** Giving back a line taken by a reservation that was then rejected. */
  unreserve: (orderId: string, sku: string) => `unreserve:${orderId}:${sku}`,
  /** Giving back a line of a reserved order that is released (cancelled). */
  release: (orderId: string, sku: string) => `release:${orderId}:${sku}`,
} as const;
