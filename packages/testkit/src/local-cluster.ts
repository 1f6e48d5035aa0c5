import { join } from 'node:path';
import { freePort, portAnswers, testPortRange } from './free-port';
import { runShellScript } from './run-script';
import { repoRoot } from './service-process';

/** The cluster scripts of infra/local (ADR 0037): same verbs, one per broker. */
const KINDS = {
  nats: {
    script: 'infra/local/nats-cluster.sh',
    basePort: 'NATS_CLUSTER_BASE_PORT',
    addresses: 'urls',
    // clients, routes, monitoring
    offsets: [0, 100, 200],
  },
  kafka: {
    script: 'infra/local/kafka-cluster.sh',
    basePort: 'KAFKA_CLUSTER_BASE_PORT',
    addresses: 'bootstrap',
    // clients, controllers
    offsets: [0, 100],
  },
} as const;

export type ClusterKind = keyof typeof KINDS;
export type ClusterNode = 1 | 2 | 3;

/**
 * ### A 3-node NATS or Kafka cluster a test owns, run by the same scripts as `npm run brokers -- up --cluster`.
 *
 * Its own directory and its own free ports, so it never touches the clusters a developer
 * or another suite runs. The node verbs are the faults an operator meets: `killNode` is a
 * crash (SIGKILL), `stopNode` a graceful shutdown, `startNode` a restart on the same store.
 */
export class LocalCluster {
  private constructor(
    readonly kind: ClusterKind,
    private readonly env: Record<string, string>,
    /** Comma-separated seed addresses: `NATS_URL` or `KAFKA_BROKERS`. */
    readonly addresses: string,
  ) {}

  /**
   * Starts the cluster in `dir` (a fresh temporary directory) and waits until it serves.
   *
   * Its ports are checked free, not reserved: another process can bind one between the check
   * and the node's own bind ("address already in use"). Then the half-started cluster is
   * wiped (`reset`: nothing was stored yet, and a store formatted for the old ports must not
   * be reused) and started again on other ports, at most `PORT_ATTEMPTS` times.
   * `pickBasePort` is for the test of that retry; by default a free block is looked for.
   */
  static async start(
    kind: ClusterKind,
    dir: string,
    options: { pickBasePort?: (offsets: readonly number[]) => Promise<number> } = {},
  ): Promise<LocalCluster> {
    const spec = KINDS[kind];
    const pickBasePort = options.pickBasePort ?? freeBasePort;
    for (let attempt = 1; ; attempt++) {
      const env: Record<string, string> = {
        SWITCHYARD_LOCAL_DIR: dir,
        [spec.basePort]: String(await pickBasePort(spec.offsets)),
        // The jars of the repository's own broker: a cluster in a temporary dir must not
        // fetch them again.
        KAFKA_LIBS_DIR: process.env.KAFKA_LIBS_DIR ?? join(repoRoot, '.local', 'kafka', 'libs'),
      };
      const cluster = new LocalCluster(kind, env, '');
      try {
        await cluster.run('up');
      } catch (error) {
        if (attempt < PORT_ATTEMPTS && portWasTaken(error)) {
          await cluster.run('reset').catch(() => undefined);
          continue;
        }
        // Some nodes may be up (a node too slow to start): stop them, or they outlive the
        // test that could not use them. `down`, not `reset`: their logs say why.
        await cluster.run('down').catch(() => undefined);
        throw error;
      }
      const addresses = (await cluster.run(spec.addresses)).trim();
      return new LocalCluster(kind, env, addresses);
    }
  }

  /** Starts every node that is not running and waits until the cluster serves (`up`). */
  async ensureUp(): Promise<void> {
    await this.run('up');
  }

  killNode(node: ClusterNode): Promise<string> {
    return this.run('kill-node', String(node));
  }

  stopNode(node: ClusterNode): Promise<string> {
    return this.run('stop-node', String(node));
  }

  startNode(node: ClusterNode): Promise<string> {
    return this.run('start-node', String(node));
  }

  /** Stops every node, keeping the stores and logs (`ensureUp` starts them again). */
  async stop(): Promise<void> {
    await this.run('down');
  }

  /** Stops every node and deletes the cluster's stores. */
  async destroy(): Promise<void> {
    await this.run('reset');
  }

  private async run(...args: string[]): Promise<string> {
    const result = await runShellScript(KINDS[this.kind].script, args, this.env);
    if (result.code !== 0) {
      throw new Error(
        `${KINDS[this.kind].script} ${args.join(' ')} exited ${result.code}:\n${result.output}`,
      );
    }
    return result.stdout;
  }
}

const PORT_ATTEMPTS = 3;

/** Did `up` fail because a port was bound by someone else (the scripts' check, or the broker's bind)? */
function portWasTaken(error: unknown): boolean {
  return /already in use|taken by another process/i.test(String(error));
}

/**
 * Ports this process has handed to clusters. Two clusters started at once (a NATS and a
 * Kafka cluster in one `Promise.all`) both see the same ports free before either binds;
 * in a narrow SWITCHYARD_PORT_RANGE their blocks could overlap, so each avoids the other's.
 */
const claimed = new Set<number>();

/**
 * A base port B such that B+offset+0..2 are all free for every offset. Ports are free when
 * checked, not reserved (see `LocalCluster.start` for what happens when one is taken).
 */
export async function freeBasePort(offsets: readonly number[]): Promise<number> {
  const span = Math.max(...offsets) + 2;
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    // The whole block must fit in the range ports come from (below the ephemeral range,
    // where client connections never land, or SWITCHYARD_PORT_RANGE), else under 65535.
    if (base + span > (testPortRange()?.[1] ?? 65_535)) continue;
    const ports = offsets.flatMap((offset) => [0, 1, 2].map((node) => base + offset + node));
    if (ports.some((port) => claimed.has(port))) continue;
    const taken = await Promise.all(ports.map((port) => portAnswers(port)));
    if (taken.includes(true) || ports.some((port) => claimed.has(port))) continue;
    for (const port of ports) claimed.add(port);
    return base;
  }
  throw new Error('no free range of ports for a local cluster after 20 attempts');
}
