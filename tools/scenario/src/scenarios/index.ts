import type { Scenario } from '../scenario';
import { coreVsJetStream } from './core-vs-jetstream';
import { kafkaDown } from './kafka-down';
import { leafNode } from './leaf-node';
import { partitions } from './partitions';
import { paymentsOffline } from './payments-offline';
import { poisonMessage } from './poison-message';
import { rebalance } from './rebalance';
import { replayToJetStream } from './replay-to-jetstream';
import { replication } from './replication';
import { slowConsumer } from './slow-consumer';
import { telemetry } from './telemetry';

export * from './core-vs-jetstream';
export * from './kafka-down';
export * from './leaf-node';
export * from './partitions';
export * from './payments-offline';
export * from './poison-message';
export * from './rebalance';
export * from './replay-to-jetstream';
export * from './replication';
export * from './slow-consumer';
export * from './telemetry';

/** Every lesson, in the order docs/scenarios.md tells them. */
export const SCENARIOS: readonly Scenario[] = [
  paymentsOffline,
  coreVsJetStream,
  kafkaDown,
  poisonMessage,
  slowConsumer,
  partitions,
  rebalance,
  telemetry,
  replayToJetStream,
  leafNode,
  replication,
];
