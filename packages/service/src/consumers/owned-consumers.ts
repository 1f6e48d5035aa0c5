import { Injectable } from '@nestjs/common';
import type { ConsumerStateManager, GroupMembership, PartitionLag } from '@switchyard/messaging';

export interface OwnedJetStreamConsumer {
  jsm: ConsumerStateManager;
  stream: string;
  durable: string;
}

export interface OwnedKafkaGroup {
  groupId: string;
  topic: string;
  /** Asks the brokers for the group's lag per partition (`KafkaAdmin.consumerGroupLag`). */
  lag(): Promise<PartitionLag[]>;
  /** Whether this instance is in the group right now (`BatchConsumer.membership`). */
  membership(): GroupMembership;
}

/**
 * The durable consumers and consumer groups this service runs, declared as they start.
 * Metrics ask the brokers about them at scrape time (pending, lag); readiness checks that
 * each JetStream consumer exists and that this instance is a member of each group.
 */
@Injectable()
export class OwnedConsumers {
  private readonly jetStreamConsumers = new Map<string, OwnedJetStreamConsumer>();
  private readonly kafkaGroups = new Map<string, OwnedKafkaGroup>();

  addJetStream(consumer: OwnedJetStreamConsumer): void {
    this.jetStreamConsumers.set(`${consumer.stream}/${consumer.durable}`, consumer);
  }

  addKafka(group: OwnedKafkaGroup): void {
    this.kafkaGroups.set(`${group.groupId}/${group.topic}`, group);
  }

  jetStream(): OwnedJetStreamConsumer[] {
    return [...this.jetStreamConsumers.values()];
  }

  kafka(): OwnedKafkaGroup[] {
    return [...this.kafkaGroups.values()];
  }
}
