import { randomUUID } from 'node:crypto';
import type { OrderPlaced, PaymentOutcome } from '@switchyard/contracts';
import { decideAfterPayment, decideAfterReservation } from './order-saga.decider';

const now = new Date('2026-11-26T12:00:00Z');

function placed(): OrderPlaced {
  const orderId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    schemaVersion: 2,
    occurredAt: now.toISOString(),
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: 'corr-1',
    causationId: randomUUID(),
    headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    data: {
      orderId,
      customerId: 'c-1',
      region: 'eu-west',
      items: [{ sku: 'SKU-1', quantity: 2, lineNo: 1 }],
    },
  };
}

describe('order saga decisions', () => {
  it('given stock reserved for 5000 cents, when decided, then a payment of 5000 is requested, caused by the order', () => {
    const order = placed();
    const decision = decideAfterReservation(
      order,
      { outcome: 'reserved', orderId: order.aggregateId, totalCents: 5_000 },
      { eventId: randomUUID(), now },
    );
    expect(decision.kind).toBe('request-payment');
    if (decision.kind !== 'request-payment') return;
    expect(decision.request).toMatchObject({
      type: 'PaymentRequested',
      aggregateId: order.aggregateId,
      correlationId: 'corr-1',
      causationId: order.eventId,
      headers: order.headers,
      data: { orderId: order.aggregateId, customerId: 'c-1', amountCents: 5_000, currency: 'EUR' },
    });
  });

  it('given stock short, when decided, then the order is rejected with the shortage in the reason', () => {
    const order = placed();
    const decision = decideAfterReservation(
      order,
      {
        outcome: 'rejected',
        orderId: order.aggregateId,
        reason: 'insufficient-stock',
        shortages: [{ sku: 'SKU-1', requested: 2, available: 1 }],
      },
      { eventId: randomUUID(), now },
    );
    expect(decision).toEqual({
      kind: 'reject',
      reason: 'insufficient-stock (SKU-1: 2 requested, 1 available)',
    });
  });

  it('given a declined payment, when decided, then the order is cancelled with the reason', () => {
    const outcome = {
      type: 'PaymentDeclined',
      data: { orderId: randomUUID(), reason: 'insufficient funds' },
    } as PaymentOutcome;
    expect(decideAfterPayment(outcome)).toEqual({
      kind: 'cancel',
      reason: 'payment declined: insufficient funds',
    });
  });
});
