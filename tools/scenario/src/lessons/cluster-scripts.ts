import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClusterNode } from '@switchyard/testkit';

const run = promisify(execFile);

/**
 * The node verbs of a 3-node local cluster (`infra/local/{nats,kafka}-cluster.sh`); the
 * testkit's `LocalCluster` has the same shape, for a cluster a test started.
 */
export interface ClusterControl {
  /** SIGKILL node `node`, as a crash or an OOM kill would; resolves once it is gone. */
  killNode(node: ClusterNode): Promise<unknown>;
  /** Starts node `node` again on its own data; resolves once it serves clients. */
  startNode(node: ClusterNode): Promise<unknown>;
}

/**
 * The cluster `npm run brokers -- up --cluster` started: its scripts, with this process's environment: the same SWITCHYARD_LOCAL_DIR and
 * NATS_CLUSTER_BASE_PORT / KAFKA_CLUSTER_BASE_PORT the cluster was started with, so a
 * kill reaches only a node of that cluster (the scripts check their pid files).
 */
export function clusterScript(
  repoRoot: string,
  which: 'nats' | 'kafka',
  env: NodeJS.ProcessEnv = process.env,
): ClusterControl {
  const script = join(repoRoot, 'infra', 'local', `${which}-cluster.sh`);
  const call = async (verb: string, node: ClusterNode) => {
    try {
      await run('bash', [script, verb, String(node)], { env });
    } catch (error) {
      const { stderr, message } = error as { stderr?: string; message: string };
      throw new Error(`${which}-cluster.sh ${verb} ${node} failed: ${stderr?.trim() || message}`, {
        cause: error,
      });
    }
  };
  return {
    killNode: (node) => call('kill-node', node),
    startNode: (node) => call('start-node', node),
  };
}
