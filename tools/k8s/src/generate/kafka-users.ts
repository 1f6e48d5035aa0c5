import type { Topology } from '@switchyard/contracts';
import { STRIMZI_CLUSTER, type Manifest } from './manifest';

type Operation = 'Read' | 'Write' | 'Describe' | 'DescribeConfigs' | 'Delete';
interface Acl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' };
  operations: Operation[];
}

const topic = (name: string, ...operations: Operation[]): Acl => ({
  resource: { type: 'topic', name, patternType: 'literal' },
  operations,
});
const group = (
  name: string,
  patternType: Acl['resource']['patternType'],
  ...operations: Operation[]
): Acl => ({
  resource: { type: 'group', name, patternType },
  operations,
});

/**
 * ### Who may do what on Kafka: one principal per service, every name from the topology
 *
 * Least privilege, by what each service does (and nothing else is allowed: the cluster
 * runs the `simple` authorizer). Every service also reads the metadata and configs of the
 * topics it checks on start (`Describe`, `DescribeConfigs`). Topics are created by the
 * Topic Operator, never by a service.
 */
export function kafkaAcls(t: Topology): Record<string, Acl[]> {
  const { topics, groups } = t.kafka;
  const history = topics.orderEvents.name;
  const deadLetters = topics.deadLetters.name;
  const checks = (name: string) => topic(name, 'Describe', 'DescribeConfigs');
  return {
    // Writes its routes' topics with an idempotent producer (Write implies
    // IdempotentWrite since Kafka 3.0), and checks every topic on start.
    bridge: [
      ...t.bridgeRoutes.map((route) => topic(route.topic, 'Write')),
      ...Object.values(topics).map((declared) => checks(declared.name)),
    ],
    // Reads the history in its one group, commits there, parks poison records.
    projector: [
      topic(history, 'Read'),
      group(groups.projector, 'literal', 'Read'),
      topic(deadLetters, 'Write'),
      checks(history),
      checks(deadLetters),
    ],
    // Replays the history in a fresh group per run (one prefix covers them all) and
    // deletes the group afterwards. No write anywhere on Kafka.
    rebuilder: [
      topic(history, 'Read'),
      group(groups.rebuilder(''), 'prefix', 'Read', 'Delete'),
      checks(history),
    ],
    // The dashboard's overview: end offsets and the projector's committed offsets.
    gateway: [
      topic(history, 'Describe'),
      topic(deadLetters, 'Describe'),
      group(groups.projector, 'literal', 'Describe'),
    ],
    // KEDA's Kafka scaler: the projector's lag, nothing more.
    keda: [topic(history, 'Describe'), group(groups.projector, 'literal', 'Describe')],
  };
}

/**
 * One `KafkaUser` per principal, SCRAM-SHA-512. The User Operator makes each service's
 * password and puts it in a Secret named after the user (key `password`), which the
 * service's Deployment reads. KEDA's user takes its password from the Secret `keda-kafka`
 * instead, because KEDA needs the user name in the same Secret.
 */
export function kafkaUsers(t: Topology): Manifest[] {
  return Object.entries(kafkaAcls(t)).map(([name, acls]) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name, labels: { 'strimzi.io/cluster': STRIMZI_CLUSTER } },
    spec: {
      authentication:
        name === 'keda'
          ? {
              type: 'scram-sha-512',
              password: { valueFrom: { secretKeyRef: { name: 'keda-kafka', key: 'password' } } },
            }
          : { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls },
    },
  }));
}
