import { randomUUID } from 'node:crypto';
import type { PaymentRequested } from '@switchyard/contracts';
import { decidePayment, TEST_CARDS } from './simulated-processor';

const request = (customerId: string): PaymentRequested => ({
  eventId: randomUUID(),
  type: 'PaymentRequested',
  schemaVersion: 1,
  occurredAt: new Date().toISOString(),
  aggregateId: randomUUID(),
  aggregateVersion: 1,
  correlationId: 'c',
  causationId: null,
  headers: {},
  data: { orderId: randomUUID(), customerId, amountCents: 1_000, currency: 'EUR' },
});
const calm = { declineRate: 0, failureRate: 0 };

describe('decidePayment', () => {
  it('given a normal card and no simulated trouble, then the payment succeeds', () => {
    expect(decidePayment(request('c-1'), 1, calm, () => 0.5)).toEqual({ kind: 'succeeded' });
  });

  it('given the declined test card, then it is declined whatever the dice say', () => {
    expect(decidePayment(request(TEST_CARDS.declined), 1, calm, () => 0.99).kind).toBe('declined');
  });

  it('given the flaky test card, then deliveries 1 and 2 are unavailable and 3 succeeds', () => {
    const flaky = request(TEST_CARDS.flaky);
    expect(decidePayment(flaky, 1, calm, () => 0.5).kind).toBe('unavailable');
    expect(decidePayment(flaky, 2, calm, () => 0.5).kind).toBe('unavailable');
    expect(decidePayment(flaky, 3, calm, () => 0.5).kind).toBe('succeeded');
  });

  it('given a full outage (failure rate 1), then every attempt is unavailable', () => {
    const outage = { declineRate: 0, failureRate: 1 };
    expect(decidePayment(request('c-1'), 7, outage, () => 0.999).kind).toBe('unavailable');
  });

  it('given a decline rate, then a low roll declines and a high roll succeeds', () => {
    const settings = { declineRate: 0.3, failureRate: 0 };
    expect(decidePayment(request('c-1'), 1, settings, () => 0.1).kind).toBe('declined');
    expect(decidePayment(request('c-1'), 1, settings, () => 0.9).kind).toBe('succeeded');
  });
});
