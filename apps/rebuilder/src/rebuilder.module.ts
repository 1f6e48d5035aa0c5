import { Module } from '@nestjs/common';
import { kafkaConnection } from '@switchyard/config';
import {
  HealthModule,
  KafkaModule,
  KafkaReadiness,
  loggingModule,
  MetricsModule,
  PostgresModule,
  PostgresReadiness,
  servedRoutes,
} from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from './config';
import { ProgressPublisher } from './rebuilding/progress-publisher';
import { RebuildOrdersService } from './rebuilding/rebuild-orders.service';
import { ProjectionStatusService } from './reporting/projection-status.service';
import { RollbackOrdersService } from './rolling-back/rollback-orders.service';
import { ProjectionsController } from './serving/projections.controller';

/**
 * The rebuilder, as a CLI (`rebuild orders`, `rollback orders`): one run, then exit.
 *
 * - `RebuildOrdersService`: replays `switchyard.orders.events` from offset zero into a new
 *   version of the orders read model and swaps it in; progress to `rebuild_runs` and to
 *   `projections.orders.rebuild.progress` (core NATS, best effort).
 * - `RollbackOrdersService`: makes the kept previous version live again.
 */
@Module({
  imports: [
    loggingModule('rebuilder', config),
    KafkaModule.forRoot({
      app: 'rebuilder',
      clientId: TOPOLOGY.kafka.clientId('rebuilder'),
      ...kafkaConnection(config),
    }),
    PostgresModule.forRoot({ url: config.DATABASE_URL, applicationName: 'rebuilder' }),
  ],
  providers: [RebuildOrdersService, RollbackOrdersService, ProgressPublisher],
  exports: [RebuildOrdersService, RollbackOrdersService],
})
export class RebuilderModule {}

/**
 * The rebuilder as a service (`serve`): the same rebuilds, started over NATS
 * request-reply (the gateway's `/admin/projections/*`); ready when Kafka and Postgres answer.
 */
@Module({
  imports: [
    MetricsModule.forRoot({ service: 'rebuilder' }),
    RebuilderModule,
    HealthModule.forChecks([KafkaReadiness, PostgresReadiness]),
  ],
  controllers: servedRoutes(CATALOG, 'rebuilder', {
    rebuildProjection: ProjectionsController,
    getProjectionStatus: ProjectionsController,
  }),
  providers: [ProjectionStatusService],
})
export class RebuilderServerModule {}
