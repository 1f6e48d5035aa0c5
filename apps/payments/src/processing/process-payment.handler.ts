import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import {
  addressOf,
  envelopeHeaders,
  publishedChannel,
  type PaymentOutcome,
  type PaymentRequested,
} from '@switchyard/contracts';
import { toNatsHeaders, withProducerSpan, type Disposition } from '@switchyard/messaging';
import { JETSTREAM, PublishMetrics } from '@switchyard/service';
import { CATALOG, config } from '../config';

/** Where outcomes go: the catalog lists payments as their producer. */
const OUTCOMES = publishedChannel(CATALOG, 'payments', 'paymentOutcomes');
import { PaymentOutcomeStore } from './payment-outcome-store';
import { paymentOutcome } from './payment-outcome';
import { decidePayment } from './simulated-processor';

/**
 * ### One payment request → one outcome event, at most one decision.
 *
 * - Not a valid `PaymentRequested`: it can never succeed → dead letter now (the consumer
 *   host decodes it with the catalog's schema before this runs), no retries wasted.
 * - Processor unavailable: `nak` with backoff; on its last delivery (`max_deliver`) the
 *   runner dead-letters it instead, with the reason and the delivery count.
 * - Decided (succeeded / declined): the decision is stored first (KV, first writer wins),
 *   then the outcome is published (msgID = order id: a repeat is stored once), then acked.
 */
@Injectable()
export class ProcessPaymentHandler {
  private readonly logger = new Logger(ProcessPaymentHandler.name);

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    private readonly outcomes: PaymentOutcomeStore,
    private readonly metrics: PublishMetrics,
  ) {}

  /** `request` is decoded and valid (the consumer host dead-letters what is not). */
  async handle(request: PaymentRequested, message: JsMsg): Promise<Disposition> {
    const known = await this.outcomes.find(request.data.orderId);
    if (known) {
      await this.publish(known);
      return { kind: 'ack' };
    }
    await sleep(config.PAYMENTS_LATENCY_MS);
    const decision = decidePayment(
      request,
      message.info.deliveryCount,
      { declineRate: config.PAYMENTS_DECLINE_RATE, failureRate: config.PAYMENTS_FAILURE_RATE },
      Math.random,
    );
    if (decision.kind === 'unavailable') {
      return { kind: 'nak', reason: decision.reason }; // backoff grows per delivery
    }
    const outcome = await this.outcomes.decideOnce(paymentOutcome(request, decision, new Date()));
    await this.publish(outcome);
    this.logger.log({
      msg: 'payment decided',
      orderId: request.data.orderId,
      outcome: outcome.type,
    });
    return { kind: 'ack' };
  }

  private async publish(outcome: PaymentOutcome): Promise<void> {
    const subject = addressOf(OUTCOMES, { orderId: outcome.data.orderId });
    // A PRODUCER span of its own, whose context travels in the headers: the saga
    // continues the order's trace under it.
    const ack = await withProducerSpan(
      {
        system: 'nats',
        operation: 'publish',
        destination: subject,
        destinationTemplate: OUTCOMES.address,
        messageId: outcome.eventId,
      },
      envelopeHeaders(outcome),
      (headers) =>
        this.js.publish(subject, JSON.stringify(outcome), {
          msgID: `payment-outcome:${outcome.data.orderId}`,
          headers: toNatsHeaders(headers),
        }),
    );
    if (!ack.duplicate) this.metrics.published('jetstream', ack.stream);
  }
}
