import { randomUUID } from 'node:crypto';
import type { CurrentOrderEvent, OrderPlaced } from '@switchyard/contracts';
import { decide, evolve, initialOrderState, type OrderCommand } from './order';

const now = new Date('2026-12-02T10:00:00Z');
const eventId = '6f1c3a7e-54a5-4c53-9a4e-0c8a1b2d3e4f';

function placedOrder(): OrderPlaced {
  const orderId = randomUUID();
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    schemaVersion: 2,
    occurredAt: '2026-12-02T09:59:00.000Z',
    aggregateId: orderId,
    aggregateVersion: 1,
    correlationId: 'corr-1',
    causationId: randomUUID(),
    headers: {},
    data: {
      orderId,
      customerId: 'c-1',
      region: 'eu-west',
      items: [{ sku: 'S', quantity: 1, lineNo: 1 }],
    },
  };
}

/**
 * Given events / when command / then events (Emmett's `DeciderSpecification`, in four
 * lines): the history is folded with `evolve`, the command decided with fixed ids and clock.
 */
const given = (history: CurrentOrderEvent[]) => ({
  when: (command: OrderCommand) => ({
    then: (expected: CurrentOrderEvent[]) =>
      expect(decide(command, history.reduce(evolve, initialOrderState), { eventId, now })).toEqual(
        expected,
      ),
    thenThrows: (message: RegExp) =>
      expect(() =>
        decide(command, history.reduce(evolve, initialOrderState), { eventId, now }),
      ).toThrow(message),
  }),
});

/** The envelope of the order's next event, caused by `cause`. */
const nextOf = (placed: OrderPlaced, cause: { eventId: string; correlationId: string }) => ({
  eventId,
  occurredAt: now.toISOString(),
  aggregateId: placed.aggregateId,
  aggregateVersion: 2,
  correlationId: cause.correlationId,
  causationId: cause.eventId,
  headers: {},
  schemaVersion: 1 as const,
});

describe('the order decider', () => {
  it('given a placed order, when confirmed, then OrderConfirmed at version 2, caused by the command', () => {
    const placed = placedOrder();
    given([placed])
      .when({ type: 'ConfirmOrder', cause: placed })
      .then([
        {
          ...nextOf(placed, placed),
          type: 'OrderConfirmed',
          data: { orderId: placed.aggregateId, confirmedAt: now.toISOString() },
        },
      ]);
  });

  it('given a placed order, when cancelled, then OrderCancelled with the reason cut to 200 characters', () => {
    const placed = placedOrder();
    given([placed])
      .when({ type: 'CancelOrder', cause: placed, reason: 'x'.repeat(250) })
      .then([
        {
          ...nextOf(placed, placed),
          type: 'OrderCancelled',
          data: { orderId: placed.aggregateId, reason: 'x'.repeat(200) },
        },
      ]);
  });

  it('given a placed order, when rejected, then OrderRejected', () => {
    const placed = placedOrder();
    given([placed])
      .when({ type: 'RejectOrder', cause: placed, reason: 'insufficient-stock' })
      .then([
        {
          ...nextOf(placed, placed),
          type: 'OrderRejected',
          data: { orderId: placed.aggregateId, reason: 'insufficient-stock' },
        },
      ]);
  });

  it('given an order that ended, when anything comes, then nothing is appended', () => {
    const placed = placedOrder();
    const [cancelled] = decide(
      { type: 'CancelOrder', cause: placed, reason: 'timed out' },
      evolve(initialOrderState, placed),
      { eventId: randomUUID(), now },
    );
    given([placed, cancelled!]).when({ type: 'ConfirmOrder', cause: placed }).then([]);
    given([placed, cancelled!])
      .when({ type: 'CancelOrder', cause: placed, reason: 'again' })
      .then([]);
  });

  it('given no events, when a command comes, then it is refused: the order does not exist', () => {
    given([])
      .when({ type: 'ConfirmOrder', cause: placedOrder() })
      .thenThrows(/ConfirmOrder: the order has no events/);
  });

  it('folds the history: an ended order keeps its OrderPlaced (the region) and its ending', () => {
    const placed = placedOrder();
    const [confirmed] = decide(
      { type: 'ConfirmOrder', cause: placed },
      evolve(initialOrderState, placed),
      {
        eventId,
        now,
      },
    );
    expect([placed, confirmed!].reduce(evolve, initialOrderState)).toEqual({
      status: 'ended',
      placed,
      version: 2,
      ending: confirmed,
    });
  });
});
