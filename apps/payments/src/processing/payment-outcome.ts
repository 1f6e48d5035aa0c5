import { randomUUID } from 'node:crypto';
import {
  PaymentEventTypes,
  type PaymentOutcome,
  type PaymentRequested,
} from '@switchyard/contracts';

/** The outcome event for a request: caused by it, same correlation and trace context. */
export function paymentOutcome(
  request: PaymentRequested,
  decision: { kind: 'succeeded' } | { kind: 'declined'; reason: string },
  now: Date,
): PaymentOutcome {
  const metadata = {
    eventId: randomUUID(),
    schemaVersion: 1 as const,
    occurredAt: now.toISOString(),
    aggregateId: request.aggregateId,
    aggregateVersion: request.aggregateVersion + 1,
    correlationId: request.correlationId,
    causationId: request.eventId,
    headers: request.headers,
  };
  const { orderId, amountCents } = request.data;
  return decision.kind === 'succeeded'
    ? {
        ...metadata,
        type: PaymentEventTypes.PaymentSucceeded,
        data: { orderId, paymentId: randomUUID(), amountCents },
      }
    : {
        ...metadata,
        type: PaymentEventTypes.PaymentDeclined,
        data: { orderId, reason: decision.reason },
      };
}
