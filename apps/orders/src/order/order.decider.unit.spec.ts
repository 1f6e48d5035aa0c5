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

/** A `PlaceOrder` for a fresh order id, as the handler passes it in. */
function placeOrder(): Extract<OrderCommand, { type: 'PlaceOrder' }> {
  return {
    type: 'PlaceOrder',
    orderId: randomUUID(),
    request: {
      commandId: randomUUID(),
      customerId: 'c-1',
      region: 'eu-west',
      items: [
        { sku: 'SKU-1', quantity: 3 },
        { sku: 'SKU-2', quantity: 1 },
      ],
    },
    correlationId: 'corr-1',
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  };
}

describe('the order decider', () => {
  it('given no events, when placed, then OrderPlaced v2 at version 1 with numbered lines, caused by the request', () => {
    const command = placeOrder();
    given([])
      .when(command)
      .then([
        {
          eventId,
          type: 'OrderPlaced',
          schemaVersion: 2,
          occurredAt: now.toISOString(),
          aggregateId: command.orderId,
          aggregateVersion: 1,
          correlationId: 'corr-1',
          causationId: command.request.commandId,
          headers: command.headers,
          data: {
            orderId: command.orderId,
            customerId: 'c-1',
            region: 'eu-west',
            items: [
              { lineNo: 1, sku: 'SKU-1', quantity: 3 },
              { lineNo: 2, sku: 'SKU-2', quantity: 1 },
            ],
          },
        },
      ]);
  });

  it('given a placed order, when placed again (the same Idempotency-Key), then nothing is appended', () => {
    const command = placeOrder();
    const [placed] = decide(command, initialOrderState, { eventId, now });
    given([placed!]).when(command).then([]);
  });

  it('given an order that ended, when placed again, then nothing is appended', () => {
    const command = placeOrder();
    const [placed] = decide(command, initialOrderState, { eventId: randomUUID(), now });
    const history = [placed!];
    history.push(
      ...decide(
        { type: 'CancelOrder', cause: placed!, reason: 'timed out' },
        history.reduce(evolve, initialOrderState),
        { eventId, now },
      ),
    );
    given(history).when(command).then([]);
  });

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
