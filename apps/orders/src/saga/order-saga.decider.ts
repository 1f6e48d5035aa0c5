import { randomUUID } from 'node:crypto';
import {
  OrderEventTypes,
  PaymentEventTypes,
  type EnvelopeMetadata,
  type OrderEvent,
  type OrderPlaced,
  type PaymentOutcome,
  type PaymentRequested,
  type ReserveStockReply,
} from '@switchyard/contracts';

/**
 * ### The order saga's decisions, pure.
 *
 * ```
 * OrderPlaced ──reserve stock──► reserved ──request payment──► PaymentSucceeded ──► OrderConfirmed
 *      │                                                    └► PaymentDeclined ──release stock──► OrderCancelled
 *      └──────────────────────► rejected ──────────────────────────────────────────────────────► OrderRejected
 * ```
 * Side effects (the inventory calls, the publishes, the appends) live in the saga
 * handlers; every decision about *what* happens next lives here.
 */

const TERMINAL: ReadonlySet<OrderEvent['type']> = new Set([
  OrderEventTypes.OrderConfirmed,
  OrderEventTypes.OrderCancelled,
  OrderEventTypes.OrderRejected,
]);

/** The order already reached its end: a late or repeated message changes nothing. */
export const isFinished = (last: OrderEvent): boolean => TERMINAL.has(last.type);

/** Metadata of the event that follows `last`, caused by `cause`. */
function next(last: OrderEvent, cause: EnvelopeMetadata, now: Date) {
  return {
    eventId: randomUUID(),
    occurredAt: now.toISOString(),
    aggregateId: last.aggregateId,
    aggregateVersion: last.aggregateVersion + 1,
    correlationId: cause.correlationId,
    causationId: cause.eventId,
    headers: cause.headers,
    schemaVersion: 1 as const,
  };
}

export type AfterReservation =
  | { kind: 'request-payment'; request: PaymentRequested }
  | { kind: 'confirm' }
  | { kind: 'reject'; reason: string };

/** Stock answered: pay for what was reserved, or reject the order. */
export function decideAfterReservation(
  placed: OrderPlaced,
  reply: ReserveStockReply,
  now: Date,
): AfterReservation {
  if (reply.outcome === 'rejected') {
    const detail = reply.shortages.map(
      (s) => `${s.sku}: ${s.requested} requested, ${s.available} available`,
    );
    return {
      kind: 'reject',
      reason: `${reply.reason}${detail.length ? ` (${detail.join('; ')})` : ''}`,
    };
  }
  if (reply.totalCents === 0) return { kind: 'confirm' }; // nothing to pay
  return {
    kind: 'request-payment',
    request: {
      eventId: randomUUID(),
      type: PaymentEventTypes.PaymentRequested,
      schemaVersion: 1,
      occurredAt: now.toISOString(),
      aggregateId: placed.data.orderId,
      aggregateVersion: 1,
      correlationId: placed.correlationId,
      causationId: placed.eventId,
      headers: placed.headers,
      data: {
        orderId: placed.data.orderId,
        customerId: placed.data.customerId,
        amountCents: reply.totalCents,
        currency: 'EUR',
      },
    },
  };
}

export function orderConfirmed(
  last: OrderEvent,
  cause: EnvelopeMetadata,
  now: Date,
): OrderEvent | undefined {
  if (isFinished(last)) return undefined;
  return {
    ...next(last, cause, now),
    type: OrderEventTypes.OrderConfirmed,
    data: { orderId: last.aggregateId, confirmedAt: now.toISOString() },
  };
}

/**
 * The order ends without being confirmed: `OrderCancelled` (payment declined, stock
 * given back) or `OrderRejected` (stock could not be reserved). Both carry a reason.
 */
export function orderEnded(
  type: typeof OrderEventTypes.OrderCancelled | typeof OrderEventTypes.OrderRejected,
  last: OrderEvent,
  cause: EnvelopeMetadata,
  reason: string,
  now: Date,
): OrderEvent | undefined {
  if (isFinished(last)) return undefined;
  return {
    ...next(last, cause, now),
    type,
    data: { orderId: last.aggregateId, reason: reason.slice(0, 200) },
  };
}

/** A payment outcome → what the order becomes (and whether stock must be given back). */
export function decideAfterPayment(
  outcome: PaymentOutcome,
): { kind: 'confirm' } | { kind: 'cancel'; reason: string } {
  return outcome.type === PaymentEventTypes.PaymentSucceeded
    ? { kind: 'confirm' }
    : { kind: 'cancel', reason: `payment declined: ${outcome.data.reason}` };
}

/** What the order deadline does with an order when its timer message comes round. */
export type AtDeadline =
  /** Not due yet: look again in `delayMs`. */
  | { kind: 'wait'; delayMs: number }
  /**
   * The order ended. `releaseAgain`: the deadline itself cancelled it, so stock is
   * released once more, in case a reservation raced in just before the cancel.
   */
  | { kind: 'finished'; releaseAgain: boolean }
  /** Due and still open: release its stock, then cancel it with `reason`. */
  | { kind: 'cancel'; reason: string };

/**
 * ### The order deadline, decided.
 *
 * Every order must end. One stuck in `PLACED` (its payment request dead-lettered,
 * payments down for longer than the deadline, a saga step failing every time) is
 * cancelled `timeoutMs` after it was placed. An order that ended earlier is left alone.
 */
export function decideAtDeadline(
  placed: OrderPlaced,
  last: OrderEvent,
  now: Date,
  timeoutMs: number,
): AtDeadline {
  if (isFinished(last)) {
    return {
      kind: 'finished',
      // The deadline's cancel is caused by the OrderPlaced it times; a decline's by the payment.
      releaseAgain:
        last.type === OrderEventTypes.OrderCancelled && last.causationId === placed.eventId,
    };
  }
  const dueAt = Date.parse(placed.occurredAt) + timeoutMs;
  if (now.getTime() < dueAt) return { kind: 'wait', delayMs: dueAt - now.getTime() };
  return { kind: 'cancel', reason: `timed out: not paid within ${timeoutMs} ms of placing` };
}

/**
 * A payment outcome for an order that already ended. A late decline changes nothing
 * (the stock is released again, harmlessly). A late **success** means money was taken
 * for an order that is cancelled: it cannot become `CONFIRMED` again (a cancelled order
 * never comes back), so it is recorded for a refund.
 */
export function decideLateOutcome(
  outcome: PaymentOutcome,
  last: OrderEvent,
): { kind: 'ignore' } | { kind: 'refund-due'; reason: string } {
  if (
    outcome.type === PaymentEventTypes.PaymentSucceeded &&
    last.type === OrderEventTypes.OrderCancelled
  ) {
    return {
      kind: 'refund-due',
      reason: `refund due: payment of ${outcome.data.amountCents} cents succeeded after order ${last.aggregateId} was cancelled (${last.data.reason})`,
    };
  }
  return { kind: 'ignore' };
}
