import { Injectable } from '@nestjs/common';
import type {
  ConsumerObserver,
  ConsumerStateManager,
  GroupMembership,
  KafkaAdmin,
} from '@switchyard/messaging';
import { OwnedConsumers } from '../consumers/owned-consumers';
import { ConsumerMetrics } from './consumer-metrics';
import { ProjectionMetrics } from './pipeline-metrics';

/**
 * ### What a service calls once per consumer it starts.
 *
 * Returns the `observer` to hand to the runner (the counters of its work) and declares the
 * consumer as this service's own, so `/metrics` reports its pending messages or lag and
 * `/readyz` checks it exists (JetStream) or that this instance is in its group (Kafka).
 */
@Injectable()
export class ConsumerMonitor {
  constructor(
    private readonly metrics: ConsumerMetrics,
    private readonly owned: OwnedConsumers,
    private readonly projections: ProjectionMetrics,
  ) {}

  jetStream(jsm: ConsumerStateManager, stream: string, durable: string): ConsumerObserver {
    this.owned.addJetStream({ jsm, stream, durable });
    return this.metrics.observer({ transport: 'jetstream', source: stream, consumer: durable });
  }

  /**
   * `membership` is read lazily (at readiness time), so it may refer to the consumer this
   * observer is being created for. `projection` names the read model the group feeds: its
   * committed offsets are then also reported as `switchyard_projection_position`.
   */
  kafka(options: {
    admin: KafkaAdmin;
    groupId: string;
    topic: string;
    membership: () => GroupMembership;
    projection?: string;
  }): ConsumerObserver {
    const { admin, groupId, topic, membership, projection } = options;
    this.owned.addKafka({
      groupId,
      topic,
      membership,
      lag: () => admin.consumerGroupLag(groupId, topic),
    });
    const observer = this.metrics.observer({
      transport: 'kafka',
      source: topic,
      consumer: groupId,
    });
    if (!projection) return observer;
    return {
      ...observer,
      committed: (partition, nextOffset) => {
        observer.committed?.(partition, nextOffset);
        this.projections.position(projection, topic, partition, nextOffset);
      },
    };
  }
}
