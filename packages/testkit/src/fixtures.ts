import { randomUUID } from 'node:crypto';
import type { OrderPlaced, PaymentRequested } from '@switchyard/contracts';

/** The envelope fields of a first event of a new aggregate, fresh ids, now. */
function firstEventOf(aggregateId: string) {
  return {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    aggregateId,
    aggregateVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    headers: {},
  };
}

/** A valid `OrderPlaced` event (current version) for tests; override any field. */
export function anOrderPlaced(overrides: Partial<OrderPlaced> = {}): OrderPlaced {
  const orderId = overrides.aggregateId ?? randomUUID();
  return {
    ...firstEventOf(orderId),
    type: 'OrderPlaced',
    schemaVersion: 2,
    data: {
      orderId,
      customerId: 'c-1',
      region: 'eu-west',
      items: [{ lineNo: 1, sku: 'SKU-1', quantity: 1 }],
    },
    ...overrides,
  };
}

/**
 * A valid `PaymentRequested` (what the saga publishes once stock is reserved) for a new
 * order, paid by `customerId`: the payments test cards pick a path by customer id.
 */
export function aPaymentRequested(
  customerId = 'c-1',
  overrides: Partial<PaymentRequested['data']> = {},
): PaymentRequested {
  const orderId = overrides.orderId ?? randomUUID();
  return {
    ...firstEventOf(orderId),
    type: 'PaymentRequested',
    schemaVersion: 1,
    data: { orderId, customerId, amountCents: 2_500, currency: 'EUR', ...overrides },
  };
}
