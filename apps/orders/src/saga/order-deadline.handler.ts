import { Injectable, Logger } from '@nestjs/common';
import type { OrderPlaced } from '@switchyard/contracts';
import type { Disposition } from '@switchyard/messaging';
import { config } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { OrderNotifier } from '../notifying/order-notifier';
import { Inventory } from './inventory';
import { OrderCommandHandler } from '../order/order-command.handler';
import { decideAtDeadline } from './order-saga.decider';
import { propagated } from './propagated-headers';

/**
 * ### The order deadline: `OrderPlaced` is its own timer.
 *
 * The `ORDERS_DEADLINES` consumer reads the same `OrderPlaced` the saga does and naks it
 * until the order is due (`nak(delay)`: JetStream 2.9 has no scheduled messages, and a
 * redelivery delay is a durable timer that survives restarts). No separate timer message
 * can be lost or forgotten: the deadline is stored the moment the order is.
 *
 * When it is due and the order is still open: release the stock, append `OrderCancelled`
 * (caused by the `OrderPlaced`), and release once more. Why twice: a saga step still
 * retrying may reserve between the first release and the cancel; the second release
 * (after the cancel) or the saga's own check after reserving (it then sees the cancel)
 * gives that stock back. Releases are idempotent per order, so nothing is released twice.
 *
 * Races with the saga are settled by the per-order expected sequence of
 * `OrderCommandHandler`: whichever of `OrderConfirmed` or `OrderCancelled` is
 * appended first wins; the other re-reads, sees an ended order, and appends nothing.
 */
@Injectable()
export class OrderDeadlineHandler {
  private readonly logger = new Logger(OrderDeadlineHandler.name);

  constructor(
    private readonly store: OrderEventStore,
    private readonly orders: OrderCommandHandler,
    private readonly inventory: Inventory,
    private readonly notifier: OrderNotifier,
  ) {}

  async onOrderPlaced(placed: OrderPlaced): Promise<Disposition> {
    const orderId = placed.data.orderId;
    const { state } = await this.store.load(orderId);
    if (state.status === 'unknown')
      return { kind: 'dead-letter', reason: `order ${orderId} has no events` };
    const decision = decideAtDeadline(placed, state, new Date(), config.ORDERS_PAYMENT_TIMEOUT_MS);
    switch (decision.kind) {
      case 'wait':
        // Not a failure: the runner redelivers it when the order is due.
        return { kind: 'nak', delayMs: decision.delayMs, reason: 'not due yet', quiet: true };
      case 'finished':
        if (decision.releaseAgain) await this.inventory.release(orderId, propagated(placed));
        return { kind: 'ack' };
      case 'cancel': {
        await this.inventory.release(orderId, propagated(placed));
        const result = await this.orders.handle(orderId, {
          type: 'CancelOrder',
          cause: placed,
          reason: decision.reason,
        });
        await this.inventory.release(orderId, propagated(placed));
        await this.notifier.notifyAll(result);
        this.logger.warn({
          msg: 'order deadline passed: cancelled',
          orderId,
          cancelled: result.appended.length > 0,
        });
        return { kind: 'ack' };
      }
    }
  }
}
