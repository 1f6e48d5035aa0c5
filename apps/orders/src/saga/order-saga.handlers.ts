import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import {
  envelopeHeaders,
  OrderEventTypes,
  TRACE_HEADERS,
  type EnvelopeMetadata,
  type OrderPlaced,
  type PaymentOutcome,
} from '@switchyard/contracts';
import { toNatsHeaders } from '@switchyard/messaging';
import { JETSTREAM } from '@switchyard/service';
import { TOPOLOGY } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { InventoryClient } from './inventory.client';
import {
  decideAfterPayment,
  decideAfterReservation,
  isFinished,
  orderConfirmed,
  orderEnded,
} from './order-saga.decider';

/** The headers a saga request carries on: correlation and trace context of its cause. */
function propagated(cause: EnvelopeMetadata): Record<string, string> {
  const all = envelopeHeaders(cause);
  return Object.fromEntries(
    Object.entries(all).filter(
      ([name]) =>
        name === 'sy-correlation-id' || (TRACE_HEADERS as readonly string[]).includes(name),
    ),
  );
}

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
    private readonly inventory: InventoryClient,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
  ) {}

  /** `OrderPlaced` → reserve stock → request payment (or reject the order). */
  async onOrderPlaced(placed: OrderPlaced): Promise<void> {
    const orderId = placed.data.orderId;
    const latest = await this.store.last(orderId);
    if (latest && isFinished(latest.event)) return;

    const items = placed.data.items.map(({ sku, quantity }) => ({ sku, quantity }));
    const reply = await this.inventory.reserve(orderId, items, propagated(placed));
    const decision = decideAfterReservation(placed, reply, new Date());
    switch (decision.kind) {
      case 'request-payment':
        await this.js.publish(
          TOPOLOGY.nats.subjects.paymentRequested,
          JSON.stringify(decision.request),
          {
            // One payment request per order, however often this step runs.
            msgID: `payment-request:${orderId}`,
            headers: toNatsHeaders(envelopeHeaders(decision.request)),
          },
        );
        break;
      case 'confirm':
        await this.store.appendNext(orderId, (last) => orderConfirmed(last, placed, new Date()));
        break;
      case 'reject':
        await this.store.appendNext(orderId, (last) =>
          orderEnded(OrderEventTypes.OrderRejected, last, placed, decision.reason, new Date()),
        );
        break;
    }
    this.logger.log({ msg: 'saga: stock answered', orderId, next: decision.kind });
  }

  /** `PaymentSucceeded` → confirm; `PaymentDeclined` → release stock, then cancel. */
  async onPaymentOutcome(outcome: PaymentOutcome): Promise<void> {
    const orderId = outcome.data.orderId;
    const decision = decideAfterPayment(outcome);
    if (decision.kind === 'confirm') {
      await this.store.appendNext(orderId, (last) => orderConfirmed(last, outcome, new Date()));
    } else {
      // Compensation first: the stock goes back before the order says "cancelled", so a
      // reader who sees CANCELLED can rely on the stock being available again.
      await this.inventory.release(orderId, propagated(outcome));
      await this.store.appendNext(orderId, (last) =>
        orderEnded(OrderEventTypes.OrderCancelled, last, outcome, decision.reason, new Date()),
      );
    }
    this.logger.log({ msg: 'saga: payment answered', orderId, next: decision.kind });
  }
}
