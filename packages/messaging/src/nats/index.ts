export * from './connect';
export * from './streams';
export * from './pull-consumer-runner';
export * from './envelope-headers';
export * from './durable-worker';
