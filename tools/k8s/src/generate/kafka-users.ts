import { kafkaAclsByPrincipal, type KafkaAclGrant, type Topology } from '@switchyard/contracts';
import { STRIMZI_CLUSTER, type Manifest } from './manifest';

type Operation = 'Read' | 'Write' | 'Describe' | 'DescribeConfigs' | 'Delete';
interface Acl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' | 'prefix' };
  operations: Operation[];
}

const STRIMZI_OPERATION: Record<KafkaAclGrant['operation'], Operation> = {
  read: 'Read',
  write: 'Write',
  describe: 'Describe',
  'describe-configs': 'DescribeConfigs',
  delete: 'Delete',
};

/** The grants on one resource as one Strimzi ACL with every operation on it. */
function strimziAcls(grants: readonly KafkaAclGrant[]): Acl[] {
  const byResource = new Map<string, Acl>();
  for (const { resource, name, pattern, operation } of grants) {
    const key = `${resource}\u0000${pattern}\u0000${name}`;
    const acl = byResource.get(key) ?? {
      resource: {
        type: resource,
        name,
        patternType: pattern === 'prefixed' ? 'prefix' : 'literal',
      },
      operations: [],
    };
    acl.operations.push(STRIMZI_OPERATION[operation]);
    byResource.set(key, acl);
  }
  return [...byResource.values()];
}

/**
 * ### Who may do what on Kafka: the principals declared in contracts, in Strimzi's terms
 *
 * The same rights `tools/kafka-acls` grants on a local broker (`kafkaAclsByPrincipal`:
 * every name from the topology), so the cluster and the laptop cannot drift apart; the
 * cluster runs the `simple` authorizer, so nothing else is allowed. Topics are created by
 * the Topic Operator, never by a service. One principal is the cluster's own: KEDA's Kafka
 * scaler reads the projector's lag, nothing more.
 */
export function kafkaAcls(t: Topology): Record<string, Acl[]> {
  const { topics, groups } = t.kafka;
  const services = Object.entries(kafkaAclsByPrincipal(t)).map(
    ([principal, grants]) => [principal, strimziAcls(grants)] as const,
  );
  const keda = strimziAcls([
    { resource: 'topic', name: topics.orderEvents.name, pattern: 'literal', operation: 'describe' },
    { resource: 'group', name: groups.projector, pattern: 'literal', operation: 'describe' },
  ]);
  return { ...Object.fromEntries(services), keda };
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
