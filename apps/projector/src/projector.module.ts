import { Module } from '@nestjs/common';
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
} from '@switchyard/service';
import { config, TOPOLOGY } from './config';
import { OrdersProjectionConsumer } from './projecting/orders-projection.consumer';
import { GetOrderController } from './querying/get-order.controller';

/**
 * The projector: Kafka → Postgres read models, and the queries that read them.
 *
 * - Projection: `switchyard.orders.events` → `orders` read model (consumer group
 *   `switchyard.projector.orders`), offsets stored with the rows.
 * - Query (NATS request-reply, queue group `projector`): `GetOrder`.
 *
 * Ready when: Kafka and Postgres answer (NATS is checked by the microservice itself).
 */
@Module({
  imports: [
    loggingModule('projector', config),
    MetricsModule.forRoot({ service: 'projector' }),
    KafkaModule.forRoot({
      clientId: TOPOLOGY.kafka.clientId('projector'),
      brokers: config.KAFKA_BROKERS,
    }),
    PostgresModule.forRoot({ url: config.DATABASE_URL, applicationName: 'projector' }),
    // Pause / resume the projection: Kafka lag grows, the read model stands still (ADR 0016).
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'projector' }),
    ConsumerControlModule.forRoot({
      service: 'projector',
      subject: TOPOLOGY.nats.subjects.consumerControl('projector'),
    }),
    HealthModule.forChecks([KafkaReadiness, PostgresReadiness]),
  ],
  controllers: [GetOrderController],
  providers: [OrdersProjectionConsumer],
})
export class ProjectorModule {}
