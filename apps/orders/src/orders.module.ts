import { Module } from '@nestjs/common';
import {
  ConsumerControlModule,
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  NatsReadiness,
  RequestReplyModule,
  servedRoutes,
} from '@switchyard/service';
import { CATALOG, config } from './config';
import { OrderEventStore } from './event-store/order-event-store';
import { OrderCommandHandler } from './order/order-command.handler';
import { PlaceOrderController } from './placing/place-order.controller';
import { GetOrderStatusController } from './querying/get-order-status.controller';
import { IdempotencyStore } from './placing/idempotency-store';
import { PlaceOrderHandler } from './placing/place-order.handler';
import { OrderNotifier } from './notifying/order-notifier';
import { Inventory } from './saga/inventory';
import { OrderDeadlineHandler } from './saga/order-deadline.handler';
import { OrderSagaHandlers } from './saga/order-saga.handlers';
import { OrderSagaRunner } from './saga/order-saga.runner';

/**
 * The orders service: the write side of an order, and the saga that carries it through.
 * What it serves and consumes is the catalog's (`servedRoutes`, `OrderSagaRunner`).
 */
@Module({
  imports: [
    loggingModule('orders', config),
    MetricsModule.forRoot({ service: 'orders' }),
    NatsConnectionModule.forRoot({ settings: config, name: 'orders' }),
    // Pause / resume the saga's consumers (`PlaceOrder` keeps answering): ADR 0016.
    ConsumerControlModule.forRoot({
      route: CATALOG.broadcasts.consumerControl,
      service: 'orders',
    }),
    // Requests to inventory (the saga's reserve and release).
    RequestReplyModule.forRoot({
      settings: config,
      app: 'orders',
      timeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  controllers: servedRoutes(CATALOG, 'orders', {
    placeOrder: PlaceOrderController,
    getOrderStatus: GetOrderStatusController,
  }),
  providers: [
    OrderEventStore,
    OrderCommandHandler,
    IdempotencyStore,
    PlaceOrderHandler,
    Inventory,
    OrderSagaHandlers,
    OrderDeadlineHandler,
    OrderSagaRunner,
    OrderNotifier,
  ],
})
export class OrdersModule {}
