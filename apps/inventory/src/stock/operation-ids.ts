/**
 * ### One id per stock change an order causes, the same on every attempt.
 *
 * `StockStore.adjust` writes its digest into the stock value with the change itself
 * (`StockValue`), so a change made again, whoever makes it, however often, finds itself
 * there and is not applied twice. Lines are merged per SKU (`planReservation`), so
 * order + SKU + what the change is for names it.
 */
export const stockOperationId = {
  /** Taking a line of the order's reservation. */
  reserve: (orderId: string, sku: string) => `reserve:${orderId}:${sku}`,
  /** Giving back a line taken by a reservation that was then rejected. */
  unreserve: (orderId: string, sku: string) => `unreserve:${orderId}:${sku}`,
  /** Giving back a line of a reserved order that is released (cancelled). */
  release: (orderId: string, sku: string) => `release:${orderId}:${sku}`,
} as const;
