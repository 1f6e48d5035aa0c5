import { runShellScript } from '@switchyard/testkit';

export interface ClusterAddresses {
  /** Comma-separated `nats://` URLs of the 3 NATS nodes. */
  natsUrl: string;
  kafkaBrokers: string[];
}

/**
 * ### Where measurement 9 finds the 3-node clusters.
 *
 * `BENCH_NATS_CLUSTER_URL` and `BENCH_KAFKA_CLUSTER_BROKERS` when set (clusters run
 * elsewhere on this machine); otherwise the local clusters of `npm run brokers -- up
 * --cluster` (ADR 0037), started here if they are not up (`up` is a no-op when they are;
 * NATS_CLUSTER_BASE_PORT / KAFKA_CLUSTER_BASE_PORT move them). They are left running:
 * a second run reuses them, `npm run brokers -- down --cluster` stops them.
 */
export async function clusterAddresses(log: (message: string) => void): Promise<ClusterAddresses> {
  const natsUrl = process.env.BENCH_NATS_CLUSTER_URL ?? (await upAndAsk('nats', 'urls', log));
  const kafka =
    process.env.BENCH_KAFKA_CLUSTER_BROKERS ?? (await upAndAsk('kafka', 'bootstrap', log));
  return {
    natsUrl,
    kafkaBrokers: kafka
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  };
}

async function upAndAsk(
  kind: 'nats' | 'kafka',
  verb: 'urls' | 'bootstrap',
  log: (message: string) => void,
): Promise<string> {
  const script = `infra/local/${kind}-cluster.sh`;
  const env: Record<string, string> = {};
  for (const name of [
    'SWITCHYARD_LOCAL_DIR',
    'NATS_CLUSTER_BASE_PORT',
    'KAFKA_CLUSTER_BASE_PORT',
  ]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  log(`  ${script} up (a no-op when the cluster runs)`);
  const up = await runShellScript(script, ['up'], env);
  if (up.code !== 0) throw new Error(`${script} up failed:\n${up.output}`);
  const asked = await runShellScript(script, [verb], env);
  if (asked.code !== 0) throw new Error(`${script} ${verb} failed:\n${asked.output}`);
  return asked.stdout.trim();
}
