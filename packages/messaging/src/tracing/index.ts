export * from './semconv';
export * from './trace-context';
export * from './spans';
