import type { JetStreamClient } from '@nats-io/jetstream';
import type { PublishMetrics } from '@switchyard/service';
import { anOrderPlaced } from '@switchyard/testkit';
import type { OrderEventStore } from '../event-store/order-event-store';
import type { OrderNotifier } from '../notifying/order-notifier';
import type { OrderState } from '../order/order';
import type { OrderCommandHandler } from '../order/order-command.handler';
import type { Inventory } from './inventory';
import { endedBy, open } from './__tests__/order-states';
import { OrderSagaHandlers } from './order-saga.handlers';

/**
 * The saga's `OrderPlaced` step when its message comes round again (JetStream is
 * at-least-once: an ack lost in a leader change, `ack_wait` running out) while the order
 * moves on under it. Collaborators are recorders; the step itself runs on the real
 * brokers in `order-command.handler.int.spec.ts` and the drills.
 */
describe('OrderSagaHandlers.onOrderPlaced', () => {
  /** The handler over recorders; the event store reads `reads` in turn (the last one from then on). */
  function handlerWith(...reads: OrderState[]) {
    const calls: string[] = [];
    let read = 0;
    const store = {
      load: async () => ({ state: reads[Math.min(read++, reads.length - 1)]!, sequence: 1 }),
    };
    const inventory = {
      reserve: async (orderId: string) => {
        calls.push('reserve');
        // A redelivery gets the first answer back: reservations are idempotent per order.
        return { outcome: 'reserved' as const, orderId, totalCents: 4_200 };
      },
      release: async (orderId: string) => {
        calls.push('release');
        return { orderId, outcome: 'released' as const };
      },
    };
    const js = {
      publish: async () => {
        calls.push('request-payment');
        return { stream: 'PAYMENTS', seq: 1, duplicate: false };
      },
    };
    const handler = new OrderSagaHandlers(
      store as unknown as OrderEventStore,
      {} as OrderCommandHandler,
      inventory as unknown as Inventory,
      js as unknown as JetStreamClient,
      { notifyAll: async () => undefined } as unknown as OrderNotifier,
      { published: () => undefined } as unknown as PublishMetrics,
    );
    return { handler, calls };
  }

  it('given a redelivered OrderPlaced, when the payment confirms the order while it reserves, then the confirmed order keeps its stock', async () => {
    const placed = anOrderPlaced();
    // Read open before reserving; by the second read the payment outcome has confirmed it.
    const { handler, calls } = handlerWith(open(placed), endedBy(placed, 'ConfirmOrder'));

    await handler.onOrderPlaced(placed);

    // Before the fix: ['reserve', 'release']: a sold order's units back on sale (the cluster
    // drill's "CONFIRMED but its reservation is released", after the ORDERS leader's kill).
    expect(calls).toEqual(['reserve']);
  });

  it('given an OrderPlaced, when the deadline cancels the order while it reserves, then the stock goes back and no payment is asked', async () => {
    const placed = anOrderPlaced();
    const { handler, calls } = handlerWith(open(placed), endedBy(placed, 'CancelOrder'));

    await handler.onOrderPlaced(placed);

    expect(calls).toEqual(['reserve', 'release']);
  });

  it('given an open order, when stock is reserved, then the payment is requested', async () => {
    const placed = anOrderPlaced();
    const { handler, calls } = handlerWith(open(placed));

    await handler.onOrderPlaced(placed);

    expect(calls).toEqual(['reserve', 'request-payment']);
  });
});
