export * from './consumer-observer';
