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
  NatsReadiness,
} from '@switchyard/service';
import { CATALOG, config, TOPOLOGY } from './config';
import { BridgeRoutesRunner } from './forwarding/bridge-routes.runner';

/**
 * The bridge: JetStream → Kafka, nothing else. It forwards every route in contracts'
 * `bridgeRoutes`, each the catalog's subscription (`bridgeOrders`). Ready when NATS and Kafka answer.
 */
@Module({
  imports: [
    loggingModule('bridge', config),
    MetricsModule.forRoot({ service: 'bridge' }),
    NatsConnectionModule.forRoot({ settings: config, name: 'bridge' }),
    // Pause / resume forwarding: events wait in JetStream, Kafka falls behind (ADR 0016).
    ConsumerControlModule.forRoot({
      route: CATALOG.broadcasts.consumerControl,
      service: 'bridge',
    }),
    KafkaModule.forRoot({
      app: 'bridge',
      clientId: TOPOLOGY.kafka.clientId('bridge'),
      ...kafkaConnection(config),
    }),
    HealthModule.forChecks([NatsReadiness, KafkaReadiness]),
  ],
  providers: [BridgeRoutesRunner],
})
export class BridgeModule {}
