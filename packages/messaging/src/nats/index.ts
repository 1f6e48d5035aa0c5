export * from './connect';
export * from './streams';
export * from './pull-consumer-runner';
export * from './envelope-headers';
export * from './durable-worker';
export * from './consumer-state';
export * from './redrive';
export * from './jetstream-spans';
