import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthModule, loggingModule } from '@switchyard/service';
import { ProjectionsHttpController } from './admin/projections.http.controller';
import { config } from './config';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { NatsClientModule } from './nats/nats-client.module';
import { NatsReadiness } from './nats/service-client';
import { OrdersHttpController } from './orders/orders.http.controller';

/**
 * The gateway: HTTP in, NATS request-reply out.
 *
 * - `POST /orders`       → `PlaceOrder` (orders service)
 * - `GET  /orders/:id`   → `GetOrder`   (projector's read model)
 * - `POST /admin/projections/:name/rebuild` → `RebuildProjection`   (rebuilder; 202)
 * - `GET  /admin/projections/:name`         → `GetProjectionStatus` (rebuilder)
 * - `GET  /healthz`, `GET /readyz` (ready when NATS answers)
 *
 * Every error is RFC 9457 problem details.
 */
@Module({
  imports: [
    loggingModule('gateway', config),
    NatsClientModule,
    HealthModule.forChecks([NatsReadiness], [NatsClientModule]),
  ],
  controllers: [OrdersHttpController, ProjectionsHttpController],
  providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
})
export class GatewayModule {}
