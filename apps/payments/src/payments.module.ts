import { Module } from '@nestjs/common';
import {
  ConsumerControlModule,
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { config, TOPOLOGY } from './config';
import { PaymentOutcomeStore } from './processing/payment-outcome-store';
import { PaymentsWorker } from './processing/payments.worker';
import { ProcessPaymentHandler } from './processing/process-payment.handler';

/**
 * The payments service: a JetStream work-queue worker with a simulated processor.
 *
 * Consumes: `payments.requested` (durable `PAYMENTS_WORKER`, explicit ack, nak + backoff,
 * bounded `max_deliver`, then `deadletter.payments.requested`).
 * Publishes: `PaymentSucceeded` / `PaymentDeclined` on `payments.events.<orderId>`.
 * Control: `control.payments.consumers` pauses / resumes the worker (ADR 0016).
 * Tools: `npm run redrive -w @switchyard/payments` moves dead letters back to the queue.
 *
 * Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('payments', config),
    MetricsModule.forRoot({ service: 'payments' }),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'payments' }),
    ConsumerControlModule.forRoot({
      service: 'payments',
      subject: TOPOLOGY.nats.subjects.consumerControl('payments'),
    }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  providers: [PaymentOutcomeStore, ProcessPaymentHandler, PaymentsWorker],
})
export class PaymentsModule {}
