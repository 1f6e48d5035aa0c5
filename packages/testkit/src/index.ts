export * from './wait-for';
export * from './environment';
export * from './service-process';
export * from './cleanup';
export * from './nest-request';
export * from './kafka-records';
export * from './fixtures';
export * from './run-script';
