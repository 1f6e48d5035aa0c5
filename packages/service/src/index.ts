export * from './bootstrap';
export * from './health';
export * from './logging';
export * from './tracing';
export * from './correlation';
export * from './nats.module';
export * from './muxed-reply-client';
export * from './kafka.module';
export * from './consumer-control.module';
export * from './postgres.module';
export * from './rpc';
export * from './metrics';
export * from './consumers/jetstream-consumer-host';
export * from './consumers/outage-hold';
export {
  KafkaConsumerHost,
  kafkaGroupOf,
  type EventFolds,
  type HostedKafkaConsumer,
  type KafkaConsumerSettings,
} from './consumers/kafka-consumer-host';
