export * from './settings';
export * from './start';
