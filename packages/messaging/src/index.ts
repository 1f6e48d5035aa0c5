export * from './nats';
export * from './kafka';
