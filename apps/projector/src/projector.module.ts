import { Module } from '@nestjs/common';
import {
  HealthModule,
  KafkaModule,
  KafkaReadiness,
  loggingModule,
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
    KafkaModule.forRoot({
      clientId: TOPOLOGY.kafka.clientId('projector'),
      brokers: config.KAFKA_BROKERS,
    }),
    PostgresModule.forRoot({ url: config.DATABASE_URL, applicationName: 'projector' }),
    HealthModule.forChecks([KafkaReadiness, PostgresReadiness]),
  ],
  controllers: [GetOrderController],
  providers: [OrdersProjectionConsumer],
})
export class ProjectorModule {}
