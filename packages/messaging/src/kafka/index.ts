export * from './kafka';
export * from './records';
export * from './event-producer';
export * from './kafka-admin';
export * from './topic-configs';
export * from './batch-consumer';
export * from './consumer-lag';
export * from './record-spans';
