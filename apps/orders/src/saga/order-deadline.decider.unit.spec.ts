import { randomUUID } from 'node:crypto';
import type { PaymentOutcome } from '@switchyard/contracts';
import { anOrderPlaced } from '@switchyard/testkit';
import type { EnvelopeMetadata, OrderPlaced } from '@switchyard/contracts';
import { decide, evolve, initialOrderState, type OrderState } from '../order/order';
import { decideAtDeadline, decideLateOutcome } from './order-saga.decider';

const TIMEOUT_MS = 60_000;
const placedAt = new Date('2026-11-26T12:00:00Z');
const after = (ms: number) => new Date(placedAt.getTime() + ms);
const placed = () => anOrderPlaced({ occurredAt: placedAt.toISOString() });
const payment = (orderId: string): PaymentOutcome => ({
  eventId: randomUUID(),
  type: 'PaymentSucceeded',
  schemaVersion: 1,
  occurredAt: placedAt.toISOString(),
  aggregateId: orderId,
  aggregateVersion: 1,
  correlationId: 'corr-1',
  causationId: null,
  headers: {},
  data: { orderId, paymentId: randomUUID(), amountCents: 2_500 },
});

/** The order after `OrderPlaced` only. */
const open = (order: OrderPlaced): OrderState => evolve(initialOrderState, order);
/** The order after it ended: cancelled (with `reason`) or confirmed, caused by `cause`. */
function ended(order: OrderPlaced, cause: EnvelopeMetadata, at: Date, reason?: string): OrderState {
  const command =
    reason === undefined
      ? ({ type: 'ConfirmOrder', cause } as const)
      : ({ type: 'CancelOrder', cause, reason } as const);
  const [event] = decide(command, open(order), { eventId: randomUUID(), now: at });
  return evolve(open(order), event!);
}

describe('the order deadline', () => {
  it('given a PLACED order 20 s old, when its timer comes round, then it waits the remaining 40 s', () => {
    const order = placed();
    expect(decideAtDeadline(order, open(order), after(20_000), TIMEOUT_MS)).toEqual({
      kind: 'wait',
      delayMs: 40_000,
    });
  });

  it('given a PLACED order past its deadline, when its timer comes round, then it is cancelled with the timeout as the reason', () => {
    const order = placed();
    const decision = decideAtDeadline(order, open(order), after(TIMEOUT_MS), TIMEOUT_MS);
    expect(decision).toEqual({
      kind: 'cancel',
      reason: 'timed out: not paid within 60000 ms of placing',
    });
  });

  it('given the deadline cancel, when decided from the OrderPlaced, then it is OrderCancelled at version 2, caused by the OrderPlaced', () => {
    const order = placed();
    const cancelled = ended(order, order, after(TIMEOUT_MS), 'timed out');
    expect(cancelled.status === 'ended' && cancelled.ending).toMatchObject({
      type: 'OrderCancelled',
      aggregateVersion: 2,
      causationId: order.eventId,
      correlationId: order.correlationId,
    });
  });

  it('given a CONFIRMED order, when its deadline passes, then it is left alone and nothing is released', () => {
    const order = placed();
    const confirmed = ended(order, payment(order.aggregateId), after(1_000));
    expect(decideAtDeadline(order, confirmed, after(2 * TIMEOUT_MS), TIMEOUT_MS)).toEqual({
      kind: 'finished',
      releaseAgain: false,
    });
  });

  it('given an order cancelled because payment was declined, when its deadline passes, then nothing more happens', () => {
    const order = placed();
    const declined = { ...payment(order.aggregateId), eventId: randomUUID() };
    const cancelled = ended(order, declined, after(1_000), 'declined');
    expect(decideAtDeadline(order, cancelled, after(TIMEOUT_MS), TIMEOUT_MS)).toEqual({
      kind: 'finished',
      releaseAgain: false,
    });
  });

  it('given an order the deadline already cancelled (a redelivery), when its timer comes round again, then it is not cancelled twice but its stock is released once more', () => {
    const order = placed();
    const cancelled = ended(order, order, after(TIMEOUT_MS), 'timed out');
    expect(decideAtDeadline(order, cancelled, after(TIMEOUT_MS + 5), TIMEOUT_MS)).toEqual({
      kind: 'finished',
      releaseAgain: true,
    });
  });

  it('given an order the deadline cancelled, when a payment success arrives late, then a refund is due and the order stays cancelled', () => {
    const order = placed();
    const cancelled = ended(order, order, after(TIMEOUT_MS), 'timed out');
    const late = payment(order.aggregateId);
    expect(
      decide({ type: 'ConfirmOrder', cause: late }, cancelled, {
        eventId: randomUUID(),
        now: after(TIMEOUT_MS + 1),
      }),
    ).toEqual([]);
    const decision = decideLateOutcome(late, cancelled);
    expect(decision.kind).toBe('refund-due');
    if (decision.kind === 'refund-due') {
      expect(decision.reason).toContain('refund due: payment of 2500 cents succeeded after');
    }
  });

  it('given a CONFIRMED order, when its payment success is redelivered, then it is ignored', () => {
    const order = placed();
    const success = payment(order.aggregateId);
    const confirmed = ended(order, success, after(1_000));
    expect(decideLateOutcome(success, confirmed)).toEqual({ kind: 'ignore' });
  });
});
