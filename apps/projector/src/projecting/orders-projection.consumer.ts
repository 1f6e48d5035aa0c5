import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  EventProducer,
  KafkaAdmin,
  withRecordSpans,
  type createKafka,
} from '@switchyard/messaging';
import {
  HOLD_REASONS,
  ORDER_ROW_FOLDS,
  PartitionApplier,
  ProjectionStore,
  type PartitionOutcome,
} from '@switchyard/read-models';
import {
  KAFKA,
  KafkaConsumerHost,
  PG_POOL,
  ProjectionMetrics,
  PublishMetrics,
  type HostedKafkaConsumer,
} from '@switchyard/service';
import type { Pool } from 'pg';
import { CATALOG, TOPOLOGY } from '../config';
import { deadLetterRecords } from './dead-letter-topic';

const PROJECTION = 'orders';
const SUBSCRIPTION = CATALOG.subscriptions.projectorOrders;

/**
 * ### Kafka → the live orders read model.
 *
 * The catalog's `projectorOrders` subscription, declared through `KafkaConsumerHost`: one
 * consumer group (`switchyard.projector.orders`), run more instances and Kafka spreads
 * the partitions over them. Each partition batch is one Postgres transaction
 * holding the rows *and* the offset (see `PartitionApplier`); the Kafka commit comes
 * after it and is only a hint.
 *
 * An event that cannot be applied yet (a follow-up before its `OrderPlaced`, or after a
 * version gap) is held in the read model and applied when its predecessor arrives (ADR
 * 0024): each one is logged when held and when released, and counted.
 */
@Injectable()
export class OrdersProjectionConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrdersProjectionConsumer.name);
  private readonly producer: EventProducer;
  private readonly consumer: HostedKafkaConsumer;
  private readonly store = new ProjectionStore(TOPOLOGY.postgres.schema);

  constructor(
    @Inject(KAFKA) kafka: ReturnType<typeof createKafka>,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly admin: KafkaAdmin,
    host: KafkaConsumerHost,
    published: PublishMetrics,
    private readonly projections: ProjectionMetrics,
  ) {
    this.producer = new EventProducer(kafka);
    const applier = new PartitionApplier({
      pool,
      store: this.store,
      target: { kind: 'live' },
      deadLetter: async (poison) => {
        const topic = TOPOLOGY.kafka.topics.deadLetters.name;
        await deadLetterRecords(this.producer, topic, poison);
        published.published('kafka', topic, poison.length);
        this.consumer.observer.settled('dead_letter', poison.length);
      },
    });
    this.consumer = host.consume(SUBSCRIPTION, {
      lifetime: 'service',
      projection: PROJECTION,
      // What `applier.apply` folds each event with, keyed like the catalog's `handles`.
      folds: ORDER_ROW_FOLDS,
      fromBeginning: true,
      handle: async (records) => {
        // One `process` span per record, each in its order's trace (Kafka headers).
        const outcome = await withRecordSpans(records, { groupId: this.consumer.groupId }, () =>
          applier.apply(records),
        );
        this.reportParking(records[0]?.partition, outcome);
        if (outcome.seekTo !== undefined) {
          this.logger.log({
            msg: 'read model version changed: re-reading from its checkpoint',
            partition: records[0]?.partition,
            offset: outcome.seekTo,
          });
        }
        return outcome;
      },
    });
    projections.trackParking(PROJECTION, HOLD_REASONS);
  }

  /** Held and released events: a log line each, the counters, the partition's gauge. */
  private reportParking(
    partition: number | undefined,
    { parked, released, parkedInPartition }: PartitionOutcome,
  ): void {
    for (const { event, topic, offset, reason } of parked) {
      this.logger.warn({
        msg: 'event held until its predecessor arrives',
        reason,
        orderId: event.aggregateId,
        aggregateVersion: event.aggregateVersion,
        eventType: event.type,
        topic,
        partition,
        offset,
      });
    }
    for (const { event, topic, offset } of released) {
      this.logger.log({
        msg: 'held event applied',
        orderId: event.aggregateId,
        aggregateVersion: event.aggregateVersion,
        eventType: event.type,
        topic,
        partition,
        offset,
      });
    }
    if (partition === undefined || parkedInPartition === undefined) return;
    this.projections.parking(PROJECTION, TOPOLOGY.kafka.topics.orderEvents.name, partition, {
      parked,
      released: released.length,
      parkedInPartition,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await this.store.initialize(client);
    } finally {
      client.release();
    }
    // Created, or reconciled with their declaration (retention: for ever), before any read.
    const { orderEvents, deadLetters } = TOPOLOGY.kafka.topics;
    await this.admin.ensureTopics([orderEvents, deadLetters], this.logger);
    await this.producer.connect();
    await this.consumer.start();
  }

  /**
   * Leave the group first (partitions move to the other instances), then stop producing:
   * a batch in hand may still dead-letter through the producer.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }
}
