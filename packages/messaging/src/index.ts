export * from './nats';
export * from './kafka';
export * from './control';
export * from './tracing';
export * from './observing';
