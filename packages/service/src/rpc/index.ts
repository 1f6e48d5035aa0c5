export * from './request-reply.client';
export * from './request-reply.module';
export * from './rpc-error.filter';
export * from './served-routes';
export * from './rpc-payload';
