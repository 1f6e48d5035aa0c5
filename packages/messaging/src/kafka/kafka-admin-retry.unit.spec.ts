import { KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { KafkaAdmin } from './kafka-admin';

/** kafkajs builds it from the broker's error code; `retriable` comes with code 3. */
const unknownTopic = () =>
  new KafkaJSProtocolError(
    Object.assign(new Error('This server does not host this topic-partition'), {
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      code: 3,
      retriable: true,
    }),
  );

/**
 * The window the int test cannot hold open on an idle broker (seen in CI under load: a
 * second bridge started while the first was creating the topics, listed them, and its
 * start-up failed on "This server does not host this topic-partition"). kafkajs' own
 * error, as the broker's answer produces it, marked retriable; a stub admin answers with
 * it once, the way a topic without leaders yet does.
 */
describe('KafkaAdmin.ensureTopics on a topic whose partitions have no leader yet', () => {
  const topic = { name: 'race.topic', partitions: 3, configs: { 'retention.ms': '-1' } };

  function stubKafka(metadataFailures: number) {
    let failures = metadataFailures;
    const admin = {
      listTopics: async () => [topic.name],
      createTopics: async () => false,
      fetchTopicMetadata: async () => {
        if (failures-- > 0) throw unknownTopic();
        return { topics: [{ name: topic.name, partitions: [{}, {}, {}] }] };
      },
      describeConfigs: async () => ({
        resources: [
          {
            errorCode: 0,
            errorMessage: null,
            resourceName: topic.name,
            configEntries: [{ configName: 'retention.ms', configValue: '-1', configSource: 1 }],
          },
        ],
      }),
    };
    return { admin: () => admin } as unknown as Kafka;
  }

  it('waits for the leaders instead of failing the service start', async () => {
    const [result] = await new KafkaAdmin(stubKafka(2)).ensureTopics([topic]);
    expect(result).toEqual({ topic: topic.name, created: false, changed: [] });
  });

  it('still fails, with the broker error, when the topic never becomes readable', async () => {
    await expect(new KafkaAdmin(stubKafka(100)).ensureTopics([topic])).rejects.toThrow(
      'This server does not host this topic-partition',
    );
  });
});

/**
 * On a fresh 3-broker cluster the controller creates the topic, but the broker kafkajs
 * then asks for its metadata may not have heard of it yet: kafkajs' `waitForLeaders`
 * retries only LEADER_NOT_AVAILABLE and threw UNKNOWN_TOPIC_OR_PARTITION at the service
 * that had just created the topic (the bridge died at start in the cluster drills). The
 * stub answers as kafkajs does: its own wait throws, the metadata is unknown, then
 * leaderless, then complete.
 */
describe('KafkaAdmin.ensureTopics creating a topic the other brokers have not heard of yet', () => {
  const topic = { name: 'fresh.topic', partitions: 2, configs: {} };

  function stubKafka(unknownAnswers: number) {
    let answers = 0;
    const created: string[] = [];
    const admin = {
      listTopics: async () => created,
      createTopics: async ({ waitForLeaders }: { waitForLeaders?: boolean }) => {
        created.push(topic.name);
        // kafkajs' own wait, on a broker that does not know the topic yet.
        if (waitForLeaders !== false) throw unknownTopic();
        return true;
      },
      fetchTopicMetadata: async () => {
        answers += 1;
        if (answers <= unknownAnswers) throw unknownTopic();
        // One more answer with a partition still without a leader, then all of them.
        const leader = answers === unknownAnswers + 1 ? -1 : 2;
        return {
          topics: [
            {
              name: topic.name,
              partitions: [
                { partitionId: 0, leader: 1 },
                { partitionId: 1, leader },
              ],
            },
          ],
        };
      },
    };
    return { kafka: { admin: () => admin } as unknown as Kafka, answers: () => answers };
  }

  it('waits until every partition has a leader, and reports the topic as created here', async () => {
    const stub = stubKafka(2);
    const [result] = await new KafkaAdmin(stub.kafka).ensureTopics([topic]);
    expect(result).toEqual({ topic: topic.name, created: true, changed: [] });
    // Two unknown, one leaderless, one complete: it did wait for the leaders.
    expect(stub.answers()).toBe(4);
  });

  it('fails the start, with the broker error, when the topic never gets known', async () => {
    await expect(new KafkaAdmin(stubKafka(100).kafka).ensureTopics([topic])).rejects.toThrow(
      'This server does not host this topic-partition',
    );
  });
});
