import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import {
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
} from '@switchyard/service';
import { AdminEventsHttpController } from './admin/admin-events.http.controller';
import { ConsumersHttpController } from './admin/consumers.http.controller';
import { FaultsHttpController } from './admin/faults.http.controller';
import { ProjectionsHttpController } from './admin/projections.http.controller';
import { config } from './config';
import { DashboardStatic } from './dashboard/dashboard-static';
import { EventsHttpController } from './events/events.http.controller';
import { FaultInjectorClient } from './faults/fault-injector.client';
import { LiveFeed } from './events/live-feed';
import { JourneyHttpController } from './journey/journey.http.controller';
import { JourneySources } from './journey/journey-sources';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { NatsClientModule } from './nats/nats-client.module';
import { NatsReadiness } from './nats/service-client';
import { OrdersHttpController } from './orders/orders.http.controller';
import { KafkaProbe } from './overview/kafka-probe';
import { OverviewHttpController } from './overview/overview.http.controller';
import { SystemOverviewService } from './overview/system-overview';
import { TopologyHttpController } from './topology/topology.http.controller';

/**
 * The gateway: HTTP in, NATS request-reply out.
 *
 * - `POST /orders`       → `PlaceOrder` (orders service)
 * - `GET  /orders/:id`   → `GetOrder`   (projector's read model)
 * - `POST /admin/projections/:name/rebuild` → `RebuildProjection`   (rebuilder; 202)
 * - `GET  /admin/projections/:name`         → `GetProjectionStatus` (rebuilder)
 * - `GET  /admin/consumers`, `POST /admin/consumers/:service/pause|resume`
 *                                            → `ConsumerControl` (every instance; ADR 0016)
 * - `GET  /admin/faults`, `POST /admin/faults/:action`
 *                                            → the no-Docker demo's fault injector (ADR 0047)
 * - `GET  /events`        → public live feed: core NATS `notify.orders.>` + rebuild progress as SSE
 * - `GET  /admin/events`  → the same with order ids and reasons (admin token)
 * - `GET  /admin/orders/:id/journey` → every hop of one order: JetStream, KV, `GetOrderJourney`
 * - `GET  /api/overview`  → dashboard panels: latency, JetStream pending, Kafka lag, dead letters
 * - `GET  /api/topology`  → the system as the dashboard draws it (names from the contracts)
 * - `GET  /`              → the dashboard (static files from `public/`)
 * - `GET  /healthz`, `GET /readyz` (ready when NATS answers)
 *
 * `/admin/*` needs the admin token (`AdminOnly`); the edge's defences (headers, rate
 * limit, cross-site checks, admin port) are `configureHttpEdge` (ADR 0034). Every error
 * is RFC 9457 problem details.
 */
@Module({
  imports: [
    loggingModule('gateway', config),
    MetricsModule.forRoot({ service: 'gateway' }),
    NatsClientModule,
    // A plain NATS connection (besides Nest's client) for subscriptions and JetStream info.
    NatsConnectionModule.forRoot({ settings: config, name: 'gateway' }),
    HealthModule.forChecks([NatsReadiness], [NatsClientModule]),
  ],
  controllers: [
    OrdersHttpController,
    ProjectionsHttpController,
    ConsumersHttpController,
    FaultsHttpController,
    EventsHttpController,
    AdminEventsHttpController,
    OverviewHttpController,
    TopologyHttpController,
    JourneyHttpController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    LiveFeed,
    KafkaProbe,
    SystemOverviewService,
    DashboardStatic,
    JourneySources,
    FaultInjectorClient,
  ],
})
export class GatewayModule {}
