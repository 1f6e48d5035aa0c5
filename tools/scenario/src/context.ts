import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { kafkaConnection } from '@switchyard/config';
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

/** `ADMIN_TOKEN`, else the token `npm run demo` generated (`.local/admin-token`), else none. */
function adminToken(env: ScenarioEnv, repoRoot: string): string | undefined {
  if (env.ADMIN_TOKEN) return env.ADMIN_TOKEN;
  const demoToken = join(repoRoot, '.local', 'admin-token');
  return existsSync(demoToken) ? readFileSync(demoToken, 'utf8').trim() : undefined;
}

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
    gateway: new GatewayClient(env.GATEWAY_URL.replace(/\/$/, ''), adminToken(env, repoRoot)),
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    kafka: () =>
      (kafka ??= createKafka({
        clientId: topology(env.SWITCHYARD_NAMESPACE).kafka.clientId('scenario'),
        ...kafkaConnection(env),
        logger: quiet,
      })),
    narrator,
    repoRoot,
    close: () => nc.close(),
  };
}
