import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import {
  HealthModule,
  loggingModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { config } from './config';
import { OrderEventStore } from './event-store/order-event-store';
import { PlaceOrderController } from './placing/place-order.controller';
import { IdempotencyStore } from './placing/idempotency-store';
import { PlaceOrderHandler } from './placing/place-order.handler';
import { InventoryClient, RPC_CLIENT } from './saga/inventory.client';
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
 * Owns: the `ORDERS` stream. Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('orders', config),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'orders' }),
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
    OrderSagaRunner,
  ],
})
export class OrdersModule {}
