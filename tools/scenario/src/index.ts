export * from './context';
export * from './env';
export * from './gateway-client';
export * from './narrator';
export * from './scenario';
export * from './scenarios';
