export * from './jetstream-api';
export * from './nats-permissions';
export * from './kafka-acls';
