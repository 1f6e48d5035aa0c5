import {
  OrderEventTypes,
  PaymentEventTypes,
  type OrderPlaced,
  type PaymentOutcome,
  type PaymentRequested,
  type ReserveStockReply,
} from '@switchyard/contracts';
import type { DecideContext, OrderState } from '../order/order';

/**
 * ### The order saga's decisions, pure.
 *
 * ```
 * OrderPlaced ──reserve stock──► reserved ──request payment──► PaymentSucceeded ──► OrderConfirmed
 *      │                                                    └► PaymentDeclined ──release stock──► OrderCancelled
 *      └──────────────────────► rejected ──────────────────────────────────────────────────────► OrderRejected
 * ```
 * Side effects (the inventory calls, the publishes, the appends) live in the saga
 * handlers; every decision about *what* happens next lives here, and the events an order
 * appends are decided by the order itself (`order/order.ts`). Ids and clocks come in.
 */

export type AfterReservation =
  | { kind: 'request-payment'; request: PaymentRequested }
  | { kind: 'confirm' }
  | { kind: 'reject'; reason: string };

/** Stock answered: pay for what was reserved, or reject the order. */
export function decideAfterReservation(
  placed: OrderPlaced,
  reply: ReserveStockReply,
  context: DecideContext,
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
      eventId: context.eventId,
      type: PaymentEventTypes.PaymentRequested,
      schemaVersion: 1,
      occurredAt: context.now.toISOString(),
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

/**
 * The order ended cancelled, so the stock it reserved must go back. A confirmed order keeps
 * its stock (it was sold) and a rejected one never took any: "ended" alone is not enough
 * to release (ended CONFIRMED, released anyway, was the cluster drill's oversell).
 */
export function endedCancelled(state: OrderState): boolean {
  return state.status === 'ended' && state.ending.type === OrderEventTypes.OrderCancelled;
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
  state: OrderState,
  now: Date,
  timeoutMs: number,
): AtDeadline {
  if (state.status === 'ended') {
    const { ending } = state;
    return {
      kind: 'finished',
      // The deadline's cancel is caused by the OrderPlaced it times; a decline's by the payment.
      releaseAgain:
        ending.type === OrderEventTypes.OrderCancelled && ending.causationId === placed.eventId,
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
  state: OrderState,
): { kind: 'ignore' } | { kind: 'refund-due'; reason: string } {
  if (state.status !== 'ended') return { kind: 'ignore' };
  const { ending } = state;
  if (
    outcome.type === PaymentEventTypes.PaymentSucceeded &&
    ending.type === OrderEventTypes.OrderCancelled
  ) {
    return {
      kind: 'refund-due',
      reason: `refund due: payment of ${outcome.data.amountCents} cents succeeded after order ${ending.aggregateId} was cancelled (${ending.data.reason})`,
    };
  }
  return { kind: 'ignore' };
}
