import type { Kafka, Message, ProducerConfig, RecordMetadata } from 'kafkajs';
import { EventProducer, UnacknowledgedPartitionsError } from './event-producer';

/**
 * kafkajs 2.2.4, retrying a send after a partition's leader moved to a broker that had
 * already answered for its own partitions, never sends that partition and resolves with
 * the answers it has (the Kafka rolling-restart drill and producer-on-a-cluster.drill.spec.ts
 * show it on a real cluster). The stub producer answers as kafkajs does then: it routes
 * every message through the configured partitioner, and answers for the partitions of
 * `answering` only.
 */
function stubKafka(answering: number[]) {
  const partitionMetadata = [0, 1, 2].map((partitionId) => ({
    partitionId,
    leader: partitionId + 1,
    replicas: [1, 2, 3],
    isr: [1, 2, 3],
    partitionErrorCode: 0,
  }));
  const producer = (config: ProducerConfig) => {
    const partitioner = config.createPartitioner!();
    return {
      send: async ({ topic, messages }: { topic: string; messages: Message[] }) => {
        const partitions = new Set(
          messages.map((message) => partitioner({ topic, partitionMetadata, message })),
        );
        return [...partitions]
          .filter((partition) => answering.includes(partition))
          .map((partition): RecordMetadata => ({ topicName: topic, partition, errorCode: 0 }));
      },
    };
  };
  return { producer } as unknown as Kafka;
}

// Keys spread over the three partitions (murmur2, as the Java client).
const records = Array.from({ length: 12 }, (_, index) => ({ key: `order-${index}`, value: 'e' }));

describe('EventProducer.send', () => {
  it('given an answer for every partition written to, when sent, then it resolves', async () => {
    await expect(new EventProducer(stubKafka([0, 1, 2])).send('t', records)).resolves.toBe(
      undefined,
    );
  });

  it('given no answer for one partition (kafkajs dropped it on a retry), when sent, then it throws a retriable error naming it', async () => {
    const sent = new EventProducer(stubKafka([0, 2])).send('t', records);
    await expect(sent).rejects.toThrow(UnacknowledgedPartitionsError);
    await expect(sent).rejects.toThrow('partition(s) 1');
  });

  it('given records aimed at one partition on purpose, when only it answers, then it resolves', async () => {
    const aimed = records.map((record) => ({ ...record, partition: 2 }));
    await expect(new EventProducer(stubKafka([2])).send('t', aimed)).resolves.toBe(undefined);
  });
});
