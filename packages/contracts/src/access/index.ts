export * from './jetstream-api';
export * from './nats-permissions';
