export * from './bootstrap';
export * from './health';
export * from './logging';
export * from './nats.module';
export * from './kafka.module';
export * from './postgres.module';
export * from './rpc-payload';
