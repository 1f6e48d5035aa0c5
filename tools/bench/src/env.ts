import { testEnv } from '@switchyard/testkit';

/**
 * Broker addresses: the same variables and local defaults as the services. The bench
 * refuses any target that is not this machine (it is a local, side-by-side comparison).
 */
export const benchEnv = testEnv;

export function assertLocalTargets(): void {
  const hosts = [
    ...benchEnv.NATS_URL.split(',').map((url) => new URL(url.trim()).hostname),
    ...benchEnv.KAFKA_BROKERS.map((broker) => broker.split(':')[0]),
    new URL(benchEnv.DATABASE_URL).hostname,
  ];
  const remote = hosts.filter(
    (host) => !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host ?? ''),
  );
  if (remote.length > 0) {
    throw new Error(`The bench only targets this machine; refusing: ${remote.join(', ')}`);
  }
}
