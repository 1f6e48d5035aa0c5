import { Module } from '@nestjs/common';
import { kafkaConnection } from '@switchyard/config';
import {
  ConsumerControlModule,
  HealthModule,
  KafkaModule,
  KafkaReadiness,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  PostgresModule,
  PostgresReadiness,
  servedRoutes,
} from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from './config';
import { OrderJournalPruner } from './journal/order-journal-pruner';
import { OrdersProjectionConsumer } from './projecting/orders-projection.consumer';
import { GetOrderController } from './querying/get-order.controller';
import { GetOrderJourneyController } from './querying/get-order-journey.controller';

/**
 * The projector: Kafka → the Postgres read model, and the query that reads it. Its
 * subscription (`projectorOrders`, the Kafka group) is in the catalog.
 */
@Module({
  imports: [
    loggingModule('projector', config),
    MetricsModule.forRoot({ service: 'projector' }),
    KafkaModule.forRoot({
      app: 'projector',
      clientId: TOPOLOGY.kafka.clientId('projector'),
      ...kafkaConnection(config),
    }),
    PostgresModule.forRoot({ url: config.DATABASE_URL, applicationName: 'projector' }),
    // Pause / resume the projection: Kafka lag grows, the read model stands still (ADR 0016).
    NatsConnectionModule.forRoot({ settings: config, name: 'projector' }),
    ConsumerControlModule.forRoot({
      route: CATALOG.broadcasts.consumerControl,
      service: 'projector',
    }),
    HealthModule.forChecks([KafkaReadiness, PostgresReadiness]),
  ],
  controllers: servedRoutes(CATALOG, 'projector', {
    getOrder: GetOrderController,
    getOrderJourney: GetOrderJourneyController,
  }),
  // The journal of recent events (the dashboard's journey) is pruned by age.
  providers: [OrdersProjectionConsumer, OrderJournalPruner],
})
export class ProjectorModule {}
