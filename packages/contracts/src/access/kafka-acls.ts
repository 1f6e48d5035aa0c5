import type { Topology } from '../topology';

/** One right of one principal: what the broker's authorizer grants (`User:<principal>`). */
export interface KafkaAclGrant {
  resource: 'topic' | 'group';
  /** The topic or group name, or its prefix. */
  name: string;
  pattern: 'literal' | 'prefixed';
  operation: 'read' | 'write' | 'describe' | 'describe-configs' | 'delete';
}

/**
 * ### Who may do what on Kafka: one principal per service, derived from the topology
 *
 * Every name below comes from contracts' topology, so a renamed topic or group renames its
 * rules too: nothing here can drift from what the services use. The SASL user name is the
 * app's name (`KAFKA_SASL_USERNAME`); `infra/local/kafka.sh` creates these users (its
 * `KAFKA_SASL_USERS`, checked against this list by a unit test), `tools/kafka-acls` grants
 * these rights on a broker, and `tools/k8s` writes them into Strimzi `KafkaUser`s. Topics are created and
 * reconciled by the set-up principal (`admin`, a super user: `npm run kafka-acls -- apply`),
 * never by a service: on start a service's `ensureTopics` only reads what exists
 * (`describe`, `describe-configs`), and would fail on a missing or drifted topic.
 */
export const KAFKA_PRINCIPALS = ['bridge', 'projector', 'rebuilder', 'gateway'] as const;
export type KafkaPrincipal = (typeof KAFKA_PRINCIPALS)[number];

type Rule = KafkaAclGrant;
const topic = (name: string, operation: Rule['operation']): Rule => ({
  resource: 'topic',
  name,
  pattern: 'literal',
  operation,
});
const group = (name: string, operation: Rule['operation'], pattern: Rule['pattern']): Rule => ({
  resource: 'group',
  name,
  pattern,
  operation,
});
/** What `ensureTopics` reads on a service's start: the topic's metadata and configs. */
const checks = (name: string): Rule[] => [topic(name, 'describe'), topic(name, 'describe-configs')];

export function kafkaAclsByPrincipal(t: Topology): Record<KafkaPrincipal, Rule[]> {
  const { topics, groups } = t.kafka;
  const history = topics.orderEvents.name;
  const deadLetters = topics.deadLetters.name;
  return {
    // Forwards JetStream to Kafka with an idempotent producer: WRITE on its routes' topics
    // (it implies the cluster's IDEMPOTENT_WRITE since Kafka 3.0), and checks every topic.
    bridge: [
      ...t.bridgeRoutes.map((route) => topic(route.topic, 'write')),
      ...Object.values(topics).flatMap((declared) => checks(declared.name)),
    ],
    // Reads the history in its one group, commits there, parks poison records.
    projector: [
      topic(history, 'read'),
      group(groups.projector, 'read', 'literal'),
      topic(deadLetters, 'write'),
      ...checks(history),
      ...checks(deadLetters),
    ],
    // Replays the history in a fresh group per run (one prefix covers them all), and
    // deletes the group when the run is over. No write anywhere on Kafka.
    rebuilder: [
      topic(history, 'read'),
      group(groups.rebuilder(''), 'read', 'prefixed'),
      group(groups.rebuilder(''), 'delete', 'prefixed'),
      ...checks(history),
    ],
    // The dashboard's overview: end offsets and the projector's committed offsets (lag).
    // DESCRIBE only: it can count records, not read one.
    gateway: [
      topic(history, 'describe'),
      topic(deadLetters, 'describe'),
      group(groups.projector, 'describe', 'literal'),
    ],
  };
}
