import { Module } from '@nestjs/common';
import {
  HealthModule,
  KafkaModule,
  KafkaReadiness,
  loggingModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { config, TOPOLOGY } from './config';
import { BridgeRoutesRunner } from './forwarding/bridge-routes.runner';

/**
 * The bridge: JetStream → Kafka, nothing else. It forwards every route declared in
 * contracts' `bridgeRoutes` (today: `orders.events.>` → `switchyard.orders.events`).
 *
 * Ready when: NATS and Kafka answer.
 */
@Module({
  imports: [
    loggingModule('bridge', config),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'bridge' }),
    KafkaModule.forRoot({
      clientId: TOPOLOGY.kafka.clientId('bridge'),
      brokers: config.KAFKA_BROKERS,
    }),
    HealthModule.forChecks([NatsReadiness, KafkaReadiness]),
  ],
  providers: [BridgeRoutesRunner],
})
export class BridgeModule {}
