import { Module } from '@nestjs/common';
import {
  ConsumerControlModule,
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { CATALOG, config } from './config';
import { PaymentOutcomeStore } from './processing/payment-outcome-store';
import { PaymentsWorker } from './processing/payments.worker';
import { ProcessPaymentHandler } from './processing/process-payment.handler';

/**
 * The payments service: a JetStream work-queue worker with a simulated processor. What it
 * consumes and publishes is the catalog's (`paymentsWorker`, `PaymentSucceeded` / `PaymentDeclined`).
 */
@Module({
  imports: [
    loggingModule('payments', config),
    MetricsModule.forRoot({ service: 'payments' }),
    NatsConnectionModule.forRoot({ settings: config, name: 'payments' }),
    ConsumerControlModule.forRoot({
      route: CATALOG.broadcasts.consumerControl,
      service: 'payments',
    }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  providers: [PaymentOutcomeStore, ProcessPaymentHandler, PaymentsWorker],
})
export class PaymentsModule {}
