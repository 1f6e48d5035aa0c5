import { anOrderPlaced } from '@switchyard/testkit';
import type { OrderEventStore } from '../event-store/order-event-store';
import type { OrderNotifier } from '../notifying/order-notifier';
import { initialOrderState, type OrderState } from '../order/order';
import type { CommandResult, OrderCommandHandler } from '../order/order-command.handler';
import type { Inventory } from './inventory';
import { endedBy, open } from './__tests__/order-states';
import { OrderDeadlineHandler } from './order-deadline.handler';

/**
 * The deadline handler's order of steps, with its collaborators replaced by recorders: what
 * it asks of the order and of inventory, and in which order, when the deadline races the
 * saga. (The steps themselves run on the real brokers in `order-deadline.int.spec.ts`.)
 */
describe('OrderDeadlineHandler', () => {
  // Placed long ago: due under any configured payment timeout.
  const placedLongAgo = () => anOrderPlaced({ occurredAt: '2020-01-01T00:00:00.000Z' });

  /** The handler over recorders; `loaded` is what the event store reads, `afterCancel` the order after the cancel. */
  function handlerWith(loaded: OrderState, afterCancel: OrderState) {
    const calls: string[] = [];
    const store = { load: async () => ({ state: loaded, sequence: 1 }) };
    const orders = {
      handle: async (orderId: string, command: { type: string }): Promise<CommandResult> => {
        calls.push(command.type);
        return { orderId, state: afterCancel, appended: [] };
      },
    };
    const inventory = {
      release: async (orderId: string) => {
        calls.push('release');
        return { orderId, outcome: 'released' as const };
      },
    };
    const notifier = { notifyAll: async () => undefined };
    const handler = new OrderDeadlineHandler(
      store as unknown as OrderEventStore,
      orders as unknown as OrderCommandHandler,
      inventory as unknown as Inventory,
      notifier as unknown as OrderNotifier,
    );
    return { handler, calls };
  }

  it('given an open order past its deadline, when the saga confirms it first, then its stock is not released', async () => {
    const placed = placedLongAgo();
    // The handler read the order open; by the time it cancels, the payment has confirmed it.
    const { handler, calls } = handlerWith(open(placed), endedBy(placed, 'ConfirmOrder'));

    expect(await handler.onOrderPlaced(placed)).toEqual({ kind: 'ack' });
    // Before the fix: ['release', 'CancelOrder', 'release'], stock back on sale for a sold order.
    expect(calls).toEqual(['CancelOrder']);
  });

  it('given an open order past its deadline, when it is cancelled, then its stock goes back after the cancel', async () => {
    const placed = placedLongAgo();
    const { handler, calls } = handlerWith(open(placed), endedBy(placed, 'CancelOrder'));

    expect(await handler.onOrderPlaced(placed)).toEqual({ kind: 'ack' });
    expect(calls).toEqual(['CancelOrder', 'release']);
  });

  it('given an OrderPlaced whose order reads as having no events, then it reads again later instead of dead-lettering', async () => {
    const placed = placedLongAgo();
    const { handler, calls } = handlerWith(initialOrderState, initialOrderState);

    expect(await handler.onOrderPlaced(placed)).toMatchObject({ kind: 'nak', delayMs: 1_000 });
    expect(calls).toEqual([]);
  });
});
