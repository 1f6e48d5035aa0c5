import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { topology, type Topology } from '@switchyard/contracts';
import { connectNats, createKafka } from '@switchyard/messaging';
import type { ScenarioEnv } from './env';
import { GatewayClient } from './gateway-client';
import type { Narrator } from './narrator';

/** Everything a scenario talks to: the public HTTP API first, the brokers to look inside. */
export interface ScenarioContext {
  env: ScenarioEnv;
  topology: Topology;
  gateway: GatewayClient;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kafka(): ReturnType<typeof createKafka>;
  narrator: Narrator;
  /** Where `infra/local/*.sh` live (kafka-down runs them). */
  repoRoot: string;
}

const quiet = { log() {}, warn() {}, error() {} };

export async function openContext(
  env: ScenarioEnv,
  narrator: Narrator,
  repoRoot: string,
): Promise<ScenarioContext & { close(): Promise<void> }> {
  const nc = await connectNats({ settings: env, name: 'scenario' });
  let kafka: ReturnType<typeof createKafka> | undefined;
  return {
    env,
    topology: topology(env.SWITCHYARD_NAMESPACE),
    gateway: new GatewayClient(env.GATEWAY_URL.replace(/\/$/, '')),
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    kafka: () =>
      (kafka ??= createKafka({
        clientId: topology(env.SWITCHYARD_NAMESPACE).kafka.clientId('scenario'),
        brokers: env.KAFKA_BROKERS,
        logger: quiet,
      })),
    narrator,
    repoRoot,
    close: () => nc.close(),
  };
}
