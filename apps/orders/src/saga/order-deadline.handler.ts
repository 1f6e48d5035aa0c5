import { Injectable, Logger } from '@nestjs/common';
import { OrderEventTypes, type OrderPlaced } from '@switchyard/contracts';
import type { Disposition } from '@switchyard/messaging';
import { config } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { OrderNotifier } from '../notifying/order-notifier';
import { Inventory } from './inventory';
import { decideAtDeadline, orderEnded } from './order-saga.decider';
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
 * `OrderEventStore.appendNext`: whichever of `OrderConfirmed` or `OrderCancelled` is
 * appended first wins; the other re-reads, sees an ended order, and appends nothing.
 */
@Injectable()
export class OrderDeadlineHandler {
  private readonly logger = new Logger(OrderDeadlineHandler.name);

  constructor(
    private readonly store: OrderEventStore,
    private readonly inventory: Inventory,
    private readonly notifier: OrderNotifier,
  ) {}

  async onOrderPlaced(placed: OrderPlaced): Promise<Disposition> {
    const orderId = placed.data.orderId;
    const latest = await this.store.last(orderId);
    if (!latest) return { kind: 'dead-letter', reason: `order ${orderId} has no events` };
    const decision = decideAtDeadline(
      placed,
      latest.event,
      new Date(),
      config.ORDERS_PAYMENT_TIMEOUT_MS,
    );
    switch (decision.kind) {
      case 'wait':
        // Not a failure: the runner redelivers it when the order is due.
        return { kind: 'nak', delayMs: decision.delayMs, reason: 'not due yet', quiet: true };
      case 'finished':
        if (decision.releaseAgain) await this.inventory.release(orderId, propagated(placed));
        return { kind: 'ack' };
      case 'cancel': {
        await this.inventory.release(orderId, propagated(placed));
        const cancelled = await this.store.appendNext(orderId, (last) =>
          orderEnded(OrderEventTypes.OrderCancelled, last, placed, decision.reason, new Date()),
        );
        await this.inventory.release(orderId, propagated(placed));
        await this.notifier.notify(cancelled, placed.data.region);
        this.logger.warn({
          msg: 'order deadline passed: cancelled',
          orderId,
          cancelled: cancelled !== undefined,
        });
        return { kind: 'ack' };
      }
    }
  }
}
