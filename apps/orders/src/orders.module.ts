import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import {
  ConsumerControlModule,
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { config, TOPOLOGY } from './config';
import { OrderEventStore } from './event-store/order-event-store';
import { PlaceOrderController } from './placing/place-order.controller';
import { IdempotencyStore } from './placing/idempotency-store';
import { PlaceOrderHandler } from './placing/place-order.handler';
import { OrderNotifier } from './notifying/order-notifier';
import { InventoryClient, RPC_CLIENT } from './saga/inventory.client';
import { OrderDeadlineHandler } from './saga/order-deadline.handler';
import { OrderSagaHandlers } from './saga/order-saga.handlers';
import { OrderSagaRunner } from './saga/order-saga.runner';

/**
 * The orders service: the write side of an order, and the saga that carries it through.
 *
 * Handles (NATS request-reply, queue group `orders`):
 * - `PlaceOrder` → appends `OrderPlaced` to JetStream, then notifies on core NATS;
 *   an `Idempotency-Key` maps to one order for a day (KV `IDEMPOTENCY`).
 *
 * Saga (durable JetStream consumers `ORDERS_SAGA`, `ORDERS_PAYMENT_OUTCOMES`):
 * - `OrderPlaced`      → `ReserveStock` (inventory) → `PaymentRequested`, or `OrderRejected`
 * - `PaymentSucceeded` → `OrderConfirmed`
 * - `PaymentDeclined`  → `ReleaseStock` (inventory) → `OrderCancelled`
 *
 * Order deadline (durable `ORDERS_DEADLINES`, `OrderPlaced` nak'ed until due):
 * - still open `ORDERS_PAYMENT_TIMEOUT_MS` after placing → `ReleaseStock` → `OrderCancelled`
 *
 * Every saga consumer has a `*_REDRIVE` twin on stream `REDRIVES` (`npm run redrive`).
 *
 * Notifications (core NATS, at-most-once, after each append): `notify.orders.<region>.<event>`.
 *
 * Owns: the `ORDERS` stream. Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('orders', config),
    MetricsModule.forRoot({ service: 'orders' }),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'orders' }),
    // Pause / resume the saga's consumers (`PlaceOrder` keeps answering): ADR 0016.
    ConsumerControlModule.forRoot({
      service: 'orders',
      subject: TOPOLOGY.nats.subjects.consumerControl('orders'),
    }),
    ClientsModule.register([
      {
        name: RPC_CLIENT,
        transport: Transport.NATS,
        options: {
          servers: config.NATS_URL.split(','),
          name: 'orders-saga',
          maxReconnectAttempts: -1,
        },
      },
    ]),
    HealthModule.forChecks([NatsReadiness]),
  ],
  controllers: [PlaceOrderController],
  providers: [
    OrderEventStore,
    IdempotencyStore,
    PlaceOrderHandler,
    InventoryClient,
    OrderSagaHandlers,
    OrderDeadlineHandler,
    OrderSagaRunner,
    OrderNotifier,
  ],
})
export class OrdersModule {}
