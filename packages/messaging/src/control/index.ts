export * from './pausable';
export * from './pause-gate';
export * from './consumer-control-responder';
