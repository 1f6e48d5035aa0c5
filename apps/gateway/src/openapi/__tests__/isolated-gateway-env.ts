import { uniqueNamespace } from '@switchyard/testkit';

// The gateway reads its configuration when its modules load, so a test that runs it
// in-process imports this first: a namespace of its own, and quiet logs.
process.env.SWITCHYARD_NAMESPACE = uniqueNamespace('oa');
process.env.LOG_LEVEL = 'warn';
