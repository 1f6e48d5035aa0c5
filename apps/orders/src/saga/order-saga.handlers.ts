import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  envelopeHeaders,
  OrderEventTypes,
  type OrderPlaced,
  type PaymentOutcome,
} from '@switchyard/contracts';
import { toNatsHeaders, withProducerSpan, type Disposition } from '@switchyard/messaging';
import { JETSTREAM, PublishMetrics } from '@switchyard/service';
import { TOPOLOGY } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { OrderNotifier } from '../notifying/order-notifier';
import { Inventory } from './inventory';
import {
  decideAfterPayment,
  decideAfterReservation,
  decideLateOutcome,
  isFinished,
  orderConfirmed,
  orderEnded,
} from './order-saga.decider';
import { propagated } from './propagated-headers';

/**
 * ### The saga's side effects, one step per message.
 *
 * Every step is safe to run twice (JetStream is at-least-once): inventory reservations
 * are idempotent per order, the payment request has a fixed message id, and appends are
 * versioned and skip orders that already finished.
 */
@Injectable()
export class OrderSagaHandlers {
  private readonly logger = new Logger(OrderSagaHandlers.name);

  constructor(
    private readonly store: OrderEventStore,
    private readonly inventory: Inventory,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    private readonly notifier: OrderNotifier,
    private readonly metrics: PublishMetrics,
  ) {}

  /** `OrderPlaced` → reserve stock → request payment (or reject the order). */
  async onOrderPlaced(placed: OrderPlaced): Promise<void> {
    const orderId = placed.data.orderId;
    const latest = await this.store.last(orderId);
    if (latest && isFinished(latest.event)) return;

    const items = placed.data.items.map(({ sku, quantity }) => ({ sku, quantity }));
    const reply = await this.inventory.reserve(orderId, items, propagated(placed));
    if (reply.outcome === 'reserved' && (await this.endedMeanwhile(orderId))) {
      // The order deadline cancelled it while we were reserving: give the stock back
      // instead of asking for a payment (see OrderDeadlineHandler for the other half).
      await this.inventory.release(orderId, propagated(placed));
      return;
    }
    const decision = decideAfterReservation(placed, reply, new Date());
    switch (decision.kind) {
      case 'request-payment': {
        const subject = TOPOLOGY.nats.subjects.paymentRequested;
        // A PRODUCER span of its own, whose context travels in the headers: payments
        // continues this order's trace under it.
        const ack = await withProducerSpan(
          {
            system: 'nats',
            operation: 'publish',
            destination: subject,
            messageId: decision.request.eventId,
          },
          envelopeHeaders(decision.request),
          (headers) =>
            this.js.publish(subject, JSON.stringify(decision.request), {
              // One payment request per order, however often this step runs.
              msgID: `payment-request:${orderId}`,
              headers: toNatsHeaders(headers),
            }),
        );
        if (!ack.duplicate) this.metrics.published('jetstream', ack.stream);
        break;
      }
      case 'confirm':
        // Notify only once the append resolved: never announce an event that is not stored.
        await this.notifier.notify(
          await this.store.appendNext(orderId, (last) => orderConfirmed(last, placed, new Date())),
          placed.data.region,
        );
        break;
      case 'reject':
        await this.notifier.notify(
          await this.store.appendNext(orderId, (last) =>
            orderEnded(OrderEventTypes.OrderRejected, last, placed, decision.reason, new Date()),
          ),
          placed.data.region,
        );
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
      const confirmed = await this.store.appendNext(orderId, (last) =>
        orderConfirmed(last, outcome, new Date()),
      );
      await this.notifier.notify(confirmed);
      if (!confirmed) {
        const late = await this.lateOutcome(outcome);
        if (late) return late;
      }
    } else {
      // Compensation first: the stock goes back before the order says "cancelled", so a
      // reader who sees CANCELLED can rely on the stock being available again.
      await this.inventory.release(orderId, propagated(outcome));
      await this.notifier.notify(
        await this.store.appendNext(orderId, (last) =>
          orderEnded(OrderEventTypes.OrderCancelled, last, outcome, decision.reason, new Date()),
        ),
      );
    }
    this.logger.log({ msg: 'saga: payment answered', orderId, next: decision.kind });
    return { kind: 'ack' };
  }

  private async endedMeanwhile(orderId: string): Promise<boolean> {
    const latest = await this.store.last(orderId);
    return latest !== undefined && isFinished(latest.event);
  }

  /** Nothing was appended: the order had ended. Was it cancelled while the payment went through? */
  private async lateOutcome(outcome: PaymentOutcome): Promise<Disposition | undefined> {
    const latest = await this.store.last(outcome.data.orderId);
    if (!latest) return undefined;
    const late = decideLateOutcome(outcome, latest.event);
    if (late.kind === 'ignore') return undefined;
    // The stock went back with the cancel; releasing again is idempotent and covers a
    // reservation that raced the deadline. The order stays CANCELLED.
    await this.inventory.release(outcome.data.orderId, propagated(outcome));
    this.logger.error({ msg: 'saga: payment after cancel', orderId: outcome.data.orderId });
    return { kind: 'dead-letter', reason: late.reason };
  }
}
