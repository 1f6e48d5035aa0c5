export * from './namespace';
export * from './envelope';
export * from './topology';
export * from './orders/order-line';
export * from './orders/place-order';
export * from './orders/get-order';
export * from './orders/events';
export * from './problems';
