import type { PaymentRequested } from '@switchyard/contracts';

export type ProcessorDecision =
  | { kind: 'succeeded' }
  | { kind: 'declined'; reason: string }
  /** Transient: the processor could not answer now; the request is retried later. */
  | { kind: 'unavailable'; reason: string };

export interface ProcessorSettings {
  declineRate: number;
  failureRate: number;
}

/**
 * Test cards, as real payment providers have them: customers whose payments always
 * take one path, so a demo or drill can provoke it on purpose.
 */
export const TEST_CARDS = {
  /** Always declined. */
  declined: 'test-card-declined',
  /** Unavailable on the first two deliveries, then succeeds (shows nak + backoff). */
  flaky: 'test-card-flaky',
} as const;

/**
 * The simulated processor's decision for one delivery, pure: randomness comes in as
 * `random` (0 ≤ r < 1), so every path is unit-testable.
 */
export function decidePayment(
  request: PaymentRequested,
  deliveryCount: number,
  settings: ProcessorSettings,
  random: () => number,
): ProcessorDecision {
  const customer = request.data.customerId;
  if (customer === TEST_CARDS.declined)
    return { kind: 'declined', reason: 'card declined (test card)' };
  if (customer === TEST_CARDS.flaky && deliveryCount <= 2) {
    return {
      kind: 'unavailable',
      reason: `processor timeout (test card, delivery ${deliveryCount})`,
    };
  }
  if (random() < settings.failureRate)
    return { kind: 'unavailable', reason: 'processor unavailable' };
  if (random() < settings.declineRate) return { kind: 'declined', reason: 'insufficient funds' };
  return { kind: 'succeeded' };
}
