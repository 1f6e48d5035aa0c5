export * from './sql';
export * from './order-row';
export * from './projection-store';
export * from './rebuild-runs';
export * from './orders-projection';
export * from './order-queries';
export * from './partition-applier';
export * from './parallel/worker-applier';
