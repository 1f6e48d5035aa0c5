import type { FaultAction, FaultActionInfo } from '@switchyard/contracts';
import type { InjectorEnv } from './config';

/**
 * ### The allow-list, as the page shows it
 *
 * Each label says what will happen and for how long; the description says what to watch.
 * An action whose means the demo did not give (no bridge pid file, a Kafka cluster) is
 * not listed, so it cannot be asked for: the injector answers 404 for it.
 */
export function offeredActions(env: InjectorEnv): FaultActionInfo[] {
  const actions: FaultActionInfo[] = [];
  if (env.FAULTS_KAFKA) {
    const seconds = env.FAULTS_KAFKA_SECONDS;
    actions.push({
      id: 'stop-kafka',
      label: `Stop Kafka for ${seconds} s`,
      description:
        `kafka.sh down (SIGTERM, a clean broker stop), ${seconds} s without Kafka, then kafka.sh up. ` +
        'Orders keep being placed (JetStream holds them); the bridge backlog grows and drains ' +
        'once Kafka is back; the topology marks Kafka unreachable meanwhile.',
      seconds,
    });
  }
  if (env.FAULTS_BRIDGE_PIDFILE !== undefined) {
    const seconds = env.FAULTS_BRIDGE_RESTART_SECONDS;
    actions.push({
      id: 'kill-bridge',
      label: `Kill the bridge (SIGKILL); the demo restarts it after ${seconds} s`,
      description:
        'kill -9: no shutdown hook, messages it had pulled stay unacked until ack_wait. ' +
        'The demo supervisor starts a new bridge; order events wait in JetStream meanwhile ' +
        'and none is lost (the bridge acks only after Kafka acked).',
      seconds,
    });
  }
  return actions;
}

/** The allow-list check: `name` (from a URL) as an offered action, or undefined. */
export function findAction(
  actions: readonly FaultActionInfo[],
  name: string,
): FaultActionInfo | undefined {
  return actions.find((action) => action.id === name);
}

export type { FaultAction };
