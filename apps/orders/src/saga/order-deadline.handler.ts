import { Injectable, Logger } from '@nestjs/common';
import type { OrderPlaced } from '@switchyard/contracts';
import type { Disposition } from '@switchyard/messaging';
import { config } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { OrderNotifier } from '../notifying/order-notifier';
import { Inventory } from './inventory';
import { OrderCommandHandler } from '../order/order-command.handler';
import { decideAtDeadline, endedCancelled } from './order-saga.decider';
import { propagated } from './propagated-headers';

/**
 * ### The order deadline: `OrderPlaced` is its own timer.
 *
 * The `ORDERS_DEADLINES` consumer reads the same `OrderPlaced` the saga does and naks it
 * until the order is due (`nak(delay)`: JetStream 2.9 has no scheduled messages, and a
 * redelivery delay is a durable timer that survives restarts). No separate timer message
 * can be lost or forgotten: the deadline is stored the moment the order is.
 *
 * When it is due and the order is still open: append `OrderCancelled` (caused by the
 * `OrderPlaced`), then, if the order did end cancelled, release its stock. A saga step still
 * retrying may reserve after the cancel: its own check after reserving sees the cancel and
 * gives that stock back. Releases are idempotent per order, so nothing is released twice.
 *
 * Races with the saga are settled by the per-order expected sequence of
 * `OrderCommandHandler`: whichever of `OrderConfirmed` or `OrderCancelled` is
 * appended first wins; the other re-reads, sees an ended order, and appends nothing.
 * That is why the decision comes before the compensation. This used to release first and
 * cancel after: a payment that succeeded between the two confirmed an order whose stock
 * had just gone back on sale (sold twice). Now a confirm that wins the race keeps its
 * stock, and one that loses finds the order cancelled (refund due; it releases again,
 * harmlessly). The price: for a moment an order reads CANCELLED before its units are
 * back, and a crash in that moment is finished by the redelivery (`finished`, release again).
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
    if (state.status === 'unknown') {
      // This OrderPlaced was delivered, so it is stored: a read that finds no event is behind.
      // On a cluster a stream leader just elected can answer before it has applied its log
      // (the cluster drill dead-lettered an order here after the ORDERS leader's kill -9).
      // Read again shortly; the consumer's finite max_deliver still dead-letters it, with
      // this reason, if its events never show.
      return {
        kind: 'nak',
        delayMs: 1_000,
        reason: `order ${orderId}: no event readable yet (a stream leader catching up?)`,
      };
    }
    const decision = decideAtDeadline(placed, state, new Date(), config.ORDERS_PAYMENT_TIMEOUT_MS);
    switch (decision.kind) {
      case 'wait':
        // Not a failure: the runner redelivers it when the order is due.
        return { kind: 'nak', delayMs: decision.delayMs, reason: 'not due yet', quiet: true };
      case 'finished':
        if (decision.releaseAgain) await this.inventory.release(orderId, propagated(placed));
        return { kind: 'ack' };
      case 'cancel': {
        const result = await this.orders.handle(orderId, {
          type: 'CancelOrder',
          cause: placed,
          reason: decision.reason,
        });
        // Ended cancelled (by this cancel, or a decline just before it): give the stock back.
        // Ended confirmed (the saga's payment won the race): the stock is sold, keep it.
        if (endedCancelled(result.state)) await this.inventory.release(orderId, propagated(placed));
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
