import type { Scenario } from '../scenario';
import { coreVsJetStream } from './core-vs-jetstream';
import { kafkaDown } from './kafka-down';
import { paymentsOffline } from './payments-offline';
import { poisonMessage } from './poison-message';

export * from './core-vs-jetstream';
export * from './kafka-down';
export * from './payments-offline';
export * from './poison-message';

/** Every lesson, in the order docs/scenarios.md tells them. */
export const SCENARIOS: readonly Scenario[] = [
  paymentsOffline,
  coreVsJetStream,
  kafkaDown,
  poisonMessage,
];
