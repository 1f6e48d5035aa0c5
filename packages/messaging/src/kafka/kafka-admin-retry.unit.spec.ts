import { KafkaJSProtocolError, type Kafka } from 'kafkajs';
import { KafkaAdmin } from './kafka-admin';

/**
 * The window the int test cannot hold open on an idle broker (seen in CI under load: a
 * second bridge started while the first was creating the topics, listed them, and its
 * start-up failed on "This server does not host this topic-partition"). kafkajs' own
 * error, as the broker's answer produces it, marked retriable; a stub admin answers with
 * it once, the way a topic without leaders yet does.
 */
describe('KafkaAdmin.ensureTopics on a topic whose partitions have no leader yet', () => {
  const topic = { name: 'race.topic', partitions: 3, configs: { 'retention.ms': '-1' } };
  // kafkajs builds it from the broker's error code; `retriable` comes with code 3.
  const unknownTopic = () =>
    new KafkaJSProtocolError(
      Object.assign(new Error('This server does not host this topic-partition'), {
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
        code: 3,
        retriable: true,
      }),
    );

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
