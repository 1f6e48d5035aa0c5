import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import {
  envelopeHeaders,
  publishedChannel,
  type OrderPlaced,
  type PaymentOutcome,
  type PaymentRequested,
} from '@switchyard/contracts';
import { toNatsHeaders, withProducerSpan, type Disposition } from '@switchyard/messaging';
import { JETSTREAM, PublishMetrics } from '@switchyard/service';
import { CATALOG } from '../config';

/** The payments work queue: the catalog lists orders (the saga) as its producer. */
const PAYMENT_REQUESTS = publishedChannel(CATALOG, 'orders', 'paymentRequests');
import { OrderEventStore } from '../event-store/order-event-store';
import { OrderNotifier } from '../notifying/order-notifier';
import { Inventory } from './inventory';
import type { OrderCommand } from '../order/order';
import { OrderCommandHandler, type CommandResult } from '../order/order-command.handler';
import {
  decideAfterPayment,
  decideAfterReservation,
  decideLateOutcome,
  endedCancelled,
} from './order-saga.decider';
import { propagated } from './propagated-headers';

/**
 * ### The saga's side effects, one step per message.
 *
 * Every step is safe to run twice (JetStream is at-least-once): inventory reservations
 * are idempotent per order, the payment request has a fixed message id, and every change
 * to the order goes through `OrderCommandHandler` (load once, decide, append with the
 * expected version), which appends nothing to an order that already ended.
 */
@Injectable()
export class OrderSagaHandlers {
  private readonly logger = new Logger(OrderSagaHandlers.name);

  constructor(
    private readonly store: OrderEventStore,
    private readonly orders: OrderCommandHandler,
    private readonly inventory: Inventory,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    private readonly notifier: OrderNotifier,
    private readonly metrics: PublishMetrics,
  ) {}

  /** `OrderPlaced` → reserve stock → request payment (or reject the order). */
  async onOrderPlaced(placed: OrderPlaced): Promise<void> {
    const orderId = placed.data.orderId;
    if ((await this.store.load(orderId)).state.status === 'ended') return;

    const items = placed.data.items.map(({ sku, quantity }) => ({ sku, quantity }));
    const reply = await this.inventory.reserve(orderId, items, propagated(placed));
    const decision = decideAfterReservation(placed, reply, {
      eventId: randomUUID(),
      now: new Date(),
    });
    switch (decision.kind) {
      case 'request-payment': {
        // A second read, on purpose: the order may have ended while we were reserving.
        // The deadline cancelled it: give the stock back instead of asking for a payment
        // (see OrderDeadlineHandler for the other half). The payment confirmed it (this is
        // a redelivery: an ack lost in a leader change, ack_wait run out; the reservation
        // answered with the first delivery's "reserved"): the stock is sold, keep it.
        const { state } = await this.store.load(orderId);
        if (state.status === 'ended') {
          if (endedCancelled(state)) await this.inventory.release(orderId, propagated(placed));
          return;
        }
        await this.requestPayment(decision.request);
        break;
      }
      case 'confirm':
        await this.apply(orderId, { type: 'ConfirmOrder', cause: placed });
        break;
      case 'reject':
        await this.apply(orderId, { type: 'RejectOrder', cause: placed, reason: decision.reason });
        break;
    }
    this.logger.log({ msg: 'saga: stock answered', orderId, next: decision.kind });
  }

  /**
   * `PaymentSucceeded` → confirm; `PaymentDeclined` → release stock, then cancel. A
   * success that comes after the order deadline cancelled the order is dead-lettered
   * with "refund due": the money was taken and an operator must give it back.
   */
  async onPaymentOutcome(outcome: PaymentOutcome): Promise<Disposition> {
    const orderId = outcome.data.orderId;
    const decision = decideAfterPayment(outcome);
    if (decision.kind === 'confirm') {
      const { state, appended } = await this.apply(orderId, {
        type: 'ConfirmOrder',
        cause: outcome,
      });
      if (appended.length === 0) {
        // Nothing appended: the order had ended. Was it cancelled while the payment went through?
        const late = decideLateOutcome(outcome, state);
        if (late.kind === 'refund-due') {
          // The stock went back with the cancel; releasing again is idempotent and covers a
          // reservation that raced the deadline. The order stays CANCELLED.
          await this.inventory.release(orderId, propagated(outcome));
          this.logger.error({ msg: 'saga: payment after cancel', orderId });
          return { kind: 'dead-letter', reason: late.reason };
        }
      }
    } else {
      // Compensation first: the stock goes back before the order says "cancelled", so a
      // reader who sees CANCELLED can rely on the stock being available again.
      await this.inventory.release(orderId, propagated(outcome));
      await this.apply(orderId, { type: 'CancelOrder', cause: outcome, reason: decision.reason });
    }
    this.logger.log({ msg: 'saga: payment answered', orderId, next: decision.kind });
    return { kind: 'ack' };
  }

  /** One command through the order's one path, then the notification of what it appended. */
  private async apply(orderId: string, command: OrderCommand): Promise<CommandResult> {
    const result = await this.orders.handle(orderId, command);
    // Notify only once the append resolved: never announce an event that is not stored.
    await this.notifier.notifyAll(result);
    return result;
  }

  private async requestPayment(request: PaymentRequested): Promise<void> {
    const subject = PAYMENT_REQUESTS.address;
    // A PRODUCER span of its own, whose context travels in the headers: payments
    // continues this order's trace under it.
    const ack = await withProducerSpan(
      { system: 'nats', operation: 'publish', destination: subject, messageId: request.eventId },
      envelopeHeaders(request),
      (headers) =>
        this.js.publish(subject, JSON.stringify(request), {
          // One payment request per order, however often this step runs.
          msgID: `payment-request:${request.data.orderId}`,
          headers: toNatsHeaders(headers),
        }),
    );
    if (!ack.duplicate) this.metrics.published('jetstream', ack.stream);
  }
}
