import type { Scenario } from '../scenario';
import { coreVsJetStream } from './core-vs-jetstream';
import { kafkaDown } from './kafka-down';
import { leafNode } from './leaf-node';
import { paymentsOffline } from './payments-offline';
import { poisonMessage } from './poison-message';
import { replayToJetStream } from './replay-to-jetstream';
import { replication } from './replication';

export * from './core-vs-jetstream';
export * from './kafka-down';
export * from './leaf-node';
export * from './payments-offline';
export * from './poison-message';
export * from './replay-to-jetstream';
export * from './replication';

/** Every lesson, in the order docs/scenarios.md tells them. */
export const SCENARIOS: readonly Scenario[] = [
  paymentsOffline,
  coreVsJetStream,
  kafkaDown,
  poisonMessage,
  replayToJetStream,
  leafNode,
  replication,
];
