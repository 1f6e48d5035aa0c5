export * from './metrics.module';
export * from './metrics-registry';
export * from './consumer-metrics';
export * from './consumer-monitor';
export * from './pipeline-metrics';
export * from './publish-metrics';
export * from './handler-metrics';
export * from '../consumers/owned-consumers';
