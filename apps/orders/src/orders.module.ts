import { Module } from '@nestjs/common';
import {
  HealthModule,
  loggingModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { config } from './config';
import { OrderEventStore } from './event-store/order-event-store';
import { PlaceOrderController } from './placing/place-order.controller';
import { PlaceOrderHandler } from './placing/place-order.handler';

/**
 * The orders service: the write side of an order.
 *
 * Handles (NATS request-reply, queue group `orders`):
 * - `PlaceOrder` → appends `OrderPlaced` to JetStream, then notifies on core NATS.
 *
 * Owns: the `ORDERS` stream (created or updated at start-up). Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('orders', config),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'orders' }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  controllers: [PlaceOrderController],
  providers: [OrderEventStore, PlaceOrderHandler],
})
export class OrdersModule {}
