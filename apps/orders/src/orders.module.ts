import { Module } from '@nestjs/common';
import { HealthModule, loggingModule } from '@switchyard/service';
import { config } from './config';
import { OrderEventStore } from './event-store/order-event-store';
import { NatsModule, NatsReadiness } from './nats.module';
import { PlaceOrderController } from './placing/place-order.controller';
import { PlaceOrderHandler } from './placing/place-order.handler';

/**
 * The orders service: the write side of an order.
 *
 * Handles (NATS request-reply, queue group `orders`):
 * - `PlaceOrder` → appends `OrderPlaced` to JetStream, then notifies on core NATS.
 *
 * Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('orders', config),
    NatsModule,
    HealthModule.forChecks([NatsReadiness], [NatsModule]),
  ],
  controllers: [PlaceOrderController],
  providers: [OrderEventStore, PlaceOrderHandler],
})
export class OrdersModule {}
