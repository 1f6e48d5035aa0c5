import { topology } from '@switchyard/contracts';
import { kafkaTopics } from './kafka-topics';
import { kafkaAcls, kafkaUsers } from './kafka-users';
import { CLUSTER_REPLICATION } from './manifest';
import { scaledObjects } from './scaled-objects';

// A namespace shows every name comes from the topology, none is spelt here.
const t = topology('k8sgen', { kafka: CLUSTER_REPLICATION });
const history = t.kafka.topics.orderEvents;

describe('KafkaTopics from the topology', () => {
  it('declares every topic with its partitions, three replicas and its configs', () => {
    const topics = kafkaTopics(t);
    expect(topics.map((topic) => topic.spec)).toEqual(
      Object.values(t.kafka.topics).map((topic) => ({
        topicName: topic.name,
        partitions: topic.partitions,
        replicas: 3,
        config: topic.configs,
      })),
    );
    expect(topics[0]!.spec.config).toMatchObject({
      'retention.ms': '-1',
      'min.insync.replicas': '2',
      'cleanup.policy': 'delete',
    });
  });
});

describe('KafkaUsers from the topology', () => {
  const acls = kafkaAcls(t);
  const granted = (user: string, name: string) =>
    (acls[user] ?? []).filter((acl) => acl.resource.name === name).flatMap((acl) => acl.operations);

  it('lets only the bridge write the history', () => {
    const writers = Object.keys(acls).filter((user) =>
      granted(user, history.name).includes('Write'),
    );
    expect(writers).toEqual(['bridge']);
  });

  it('gives the projector its group and the dead letters, the rebuilder a group prefix', () => {
    expect(granted('projector', t.kafka.groups.projector)).toEqual(['Read']);
    expect(granted('projector', t.kafka.topics.deadLetters.name)).toContain('Write');
    const rebuilderGroups = acls.rebuilder!.filter((acl) => acl.resource.type === 'group');
    expect(rebuilderGroups).toEqual([
      {
        resource: { type: 'group', name: t.kafka.groups.rebuilder(''), patternType: 'prefix' },
        operations: ['Read', 'Delete'],
      },
    ]);
  });

  it('makes one SCRAM user per principal, KEDA with its password from its Secret', () => {
    const users = kafkaUsers(t);
    expect(users.map((u) => u.metadata.name)).toEqual(Object.keys(acls));
    expect(users.find((u) => u.metadata.name === 'keda')!.spec.authentication).toMatchObject({
      password: { valueFrom: { secretKeyRef: { name: 'keda-kafka' } } },
    });
  });
});

describe('KEDA ScaledObjects from the topology', () => {
  const [payments, projector] = scaledObjects(t) as [
    ReturnType<typeof scaledObjects>[number],
    ReturnType<typeof scaledObjects>[number],
  ];
  const trigger = (o: typeof payments) =>
    (o.spec.triggers as { metadata: Record<string, string> }[])[0]!.metadata;

  it('scales payments on the pending count of its durable', () => {
    expect(trigger(payments)).toMatchObject({
      stream: t.nats.consumers.paymentsWorker.stream,
      consumer: t.nats.consumers.paymentsWorker.durable,
    });
  });

  it('scales the projector on its lag, never beyond the partition count', () => {
    expect(projector.spec.maxReplicaCount).toBe(history.partitions);
    expect(trigger(projector)).toMatchObject({
      consumerGroup: t.kafka.groups.projector,
      topic: history.name,
    });
  });
});
