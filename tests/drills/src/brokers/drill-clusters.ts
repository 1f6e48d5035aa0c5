import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { KafkaAdmin } from '@switchyard/messaging';
import { LocalCluster, repoRoot, type ClusterNode } from '@switchyard/testkit';

export const CLUSTER_NODES: readonly ClusterNode[] = [1, 2, 3];

/** Kafka's internal topic of committed offsets: its partition leaders coordinate the groups. */
const OFFSETS_TOPIC = '__consumer_offsets';

/**
 * ### A 3-node NATS cluster and a 3-broker Kafka cluster the cluster drills own.
 *
 * The same scripts as `npm run brokers -- up --cluster` (testkit's `LocalCluster`: free
 * ports, a fresh directory under `.local/drills/`), so the drills break exactly what a
 * developer runs, and never the shared brokers or another file's. Node I of either
 * cluster is the one the script calls I: NATS server `…-nI`, Kafka `node.id` I.
 */
export class DrillClusters {
  private constructor(
    readonly nats: LocalCluster,
    readonly kafka: LocalCluster,
    private readonly dir: string,
  ) {}

  /**
   * Both clusters up, one after the other (six JVM/Go processes starting at once on two
   * cores time out). A start that fails is tried once more, on new ports in a new
   * directory: once in ten Kafka cluster starts here a node exited during start-up while the
   * other two came up (its log, kept in `test-artifacts/` now, was lost then). Ports are
   * checked free, not reserved, so another process may take one before the node binds it.
   */
  static async start(label: string, artifacts: string): Promise<DrillClusters> {
    try {
      return await DrillClusters.startOnce(label, artifacts);
    } catch (error) {
      process.stderr.write(
        `[cluster drills] clusters did not start, trying once more: ${String(error)}\n`,
      );
      return DrillClusters.startOnce(label, artifacts);
    }
  }

  private static async startOnce(label: string, artifacts: string): Promise<DrillClusters> {
    const parent = join(repoRoot, '.local', 'drills');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, `${label}-`));
    let nats: LocalCluster | undefined;
    try {
      nats = await LocalCluster.start('nats', join(dir, 'nats'));
      const kafka = await LocalCluster.start('kafka', join(dir, 'kafka'));
      return new DrillClusters(nats, kafka, dir);
    } catch (error) {
      await nats?.destroy().catch(() => undefined);
      keepNodeLogs(dir, artifacts, 'failed-start');
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Every node of both clusters running and serving (after a drill that failed half-way). */
  async ensureUp(): Promise<void> {
    await this.nats.ensureUp();
    await this.kafka.ensureUp();
  }

  /** The node that leads JetStream stream `stream` now. */
  async natsLeaderOf(jsm: JetStreamManager, stream: string): Promise<ClusterNode> {
    const leader = (await jsm.streams.info(stream)).cluster?.leader;
    return nodeOfServer(leader);
  }

  /** The broker that leads partition `partition` of `topic` now. */
  async kafkaLeaderOf(admin: KafkaAdmin, topic: string, partition: number): Promise<ClusterNode> {
    const leader = (await admin.partitionLeaders(topic)).get(partition);
    if (leader !== 1 && leader !== 2 && leader !== 3)
      throw new Error(`partition ${topic}/${partition} has no leader among nodes 1-3: ${leader}`);
    return leader;
  }

  /**
   * The broker that coordinates consumer group `groupId` now: the leader of its partition
   * of `__consumer_offsets`, which Kafka picks as `abs(groupId.hashCode()) % partitions`
   * (Java's `String.hashCode`). Losing it makes every member find a new coordinator and
   * rejoin: the hardest broker to lose for a consumer.
   */
  async kafkaCoordinatorOf(admin: KafkaAdmin, groupId: string): Promise<ClusterNode> {
    const leaders = await admin.partitionLeaders(OFFSETS_TOPIC);
    let hash = 0;
    for (let i = 0; i < groupId.length; i++)
      hash = (Math.imul(31, hash) + groupId.charCodeAt(i)) | 0;
    const partition = (hash & 0x7fffffff) % leaders.size;
    return this.kafkaLeaderOf(admin, OFFSETS_TOPIC, partition);
  }

  /**
   * Stops both clusters and deletes their stores; the node logs go to `artifacts` first,
   * for the post-mortem of a failed run.
   */
  async remove(artifacts: string): Promise<void> {
    try {
      await Promise.all([this.nats.stop(), this.kafka.stop()]);
    } finally {
      keepNodeLogs(this.dir, artifacts, 'cluster-drill');
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Copies every node's log under `dir` to `artifacts/<prefix>-{nats,kafka}-I.log`. */
function keepNodeLogs(dir: string, artifacts: string, prefix: string): void {
  mkdirSync(artifacts, { recursive: true });
  for (const node of CLUSTER_NODES) {
    const logs: [string, string][] = [
      [join(dir, 'nats', 'nats-cluster', `node-${node}`, 'nats.log'), `nats-${node}.log`],
      [
        join(dir, 'kafka', 'kafka-cluster', `node-${node}`, 'kafka', 'logs', 'server.log'),
        `kafka-${node}.log`,
      ],
    ];
    for (const [from, name] of logs)
      if (existsSync(from)) copyFileSync(from, join(artifacts, `${prefix}-${name}`));
  }
}

/** Server names are `<cluster>-n<I>` (nats-cluster.sh): the name says which node it is. */
function nodeOfServer(server: string | undefined): ClusterNode {
  const node = Number(/-n([1-3])$/.exec(server ?? '')?.[1]);
  if (node !== 1 && node !== 2 && node !== 3) throw new Error(`not a cluster node: ${server}`);
  return node;
}
