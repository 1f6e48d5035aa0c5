import { Module } from '@nestjs/common';
import {
  HealthModule,
  loggingModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { config } from './config';
import { PaymentOutcomeStore } from './processing/payment-outcome-store';
import { PaymentsWorker } from './processing/payments.worker';
import { ProcessPaymentHandler } from './processing/process-payment.handler';

/**
 * The payments service: a JetStream work-queue worker with a simulated processor.
 *
 * Consumes: `payments.requested` (durable `PAYMENTS_WORKER`, explicit ack, nak + backoff,
 * bounded `max_deliver`, then `deadletter.payments.requested`).
 * Publishes: `PaymentSucceeded` / `PaymentDeclined` on `payments.events.<orderId>`.
 * Tools: `npm run redrive -w @switchyard/payments` moves dead letters back to the queue.
 *
 * Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('payments', config),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'payments' }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  providers: [PaymentOutcomeStore, ProcessPaymentHandler, PaymentsWorker],
})
export class PaymentsModule {}
