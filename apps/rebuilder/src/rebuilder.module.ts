import { Module } from '@nestjs/common';
import {
  HealthModule,
  KafkaModule,
  KafkaReadiness,
  loggingModule,
  MetricsModule,
  PostgresModule,
  PostgresReadiness,
} from '@switchyard/service';
import { config, TOPOLOGY } from './config';
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
      clientId: TOPOLOGY.kafka.clientId('rebuilder'),
      brokers: config.KAFKA_BROKERS,
    }),
    PostgresModule.forRoot({ url: config.DATABASE_URL, applicationName: 'rebuilder' }),
  ],
  providers: [RebuildOrdersService, RollbackOrdersService, ProgressPublisher],
  exports: [RebuildOrdersService, RollbackOrdersService],
})
export class RebuilderModule {}

/**
 * The rebuilder as a service (`serve`): the same rebuilds, started over NATS
 * request-reply (queue group `rebuilder`; the gateway's `/admin/projections/*`).
 *
 * - `RebuildProjection` → starts a run, replies `{ runId, state: 'running' }` (409 if one runs)
 * - `GetProjectionStatus` → live/previous version and the last run, from Postgres
 * - `GET /healthz`, `GET /readyz` (Kafka and Postgres answer)
 */
@Module({
  imports: [
    MetricsModule.forRoot({ service: 'rebuilder' }),
    RebuilderModule,
    HealthModule.forChecks([KafkaReadiness, PostgresReadiness]),
  ],
  controllers: [ProjectionsController],
  providers: [ProjectionStatusService],
})
export class RebuilderServerModule {}
