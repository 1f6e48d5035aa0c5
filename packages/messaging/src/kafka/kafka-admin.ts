import type { Admin, Kafka } from 'kafkajs';
import { consumerGroupLag, type PartitionLag } from './consumer-lag';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
}

/** The admin operations Switchyard needs, behind our own names. */
export class KafkaAdmin {
  private readonly admin: Admin;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  /** A metadata request to a broker: resolves only if the cluster answers. */
  async ping(): Promise<void> {
    await this.admin.listTopics();
  }

  /** Creates missing topics and waits for their leaders; existing topics are left as they are. */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length === 0) return;
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor ?? -1,
        })),
      });
    } catch (error) {
      // Two services starting together race to create the topic; the loser's
      // "already exists" is success.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    }
  }

  /** The high watermark (next offset to be written) of every partition. */
  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
  }

  /** Lag of `groupId` on `topic` per partition (see `consumerGroupLag`). */
  consumerGroupLag(groupId: string, topic: string): Promise<PartitionLag[]> {
    return consumerGroupLag(this.admin, groupId, topic);
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    await this.admin.deleteGroups(groupIds);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await this.admin.deleteTopics({ topics: present });
  }
}
