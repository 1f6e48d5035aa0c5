import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { AppName, SubscriptionDefinition } from '@switchyard/contracts';
import {
  BatchConsumer,
  KafkaAdmin,
  silentObserver,
  type BatchConsumerOptions,
  type ConsumerObserver,
  type createKafka,
} from '@switchyard/messaging';
import { ConsumerMonitor } from '../metrics/consumer-monitor';
import { ConsumerRegistry } from './consumer-registry';
import type { MessageOf } from './jetstream-consumer-host';

export const KAFKA = Symbol('switchyard:kafka');
export const KAFKA_APP = Symbol('switchyard:kafka-app');

/**
 * What a batch consumer does with each event the catalog routes to it, keyed like its
 * subscription's `handles`: the per-event steps (a projection's folds) its batch handler
 * applies, set-based, in one transaction. A fold for an event the catalog does not route
 * to the subscription, or a routed event without one, does not compile. The host never
 * calls them, so it takes them with any state (`never`): each fold's event is what it checks.
 */
export type EventFolds<S extends SubscriptionDefinition, TState = never> = {
  [K in keyof S['handles'] & string]: (
    state: TState,
    event: Extract<MessageOf<S>, { type: K }>,
  ) => [TState] extends [never] ? unknown : TState;
};

/** How one Kafka consumer of a subscription runs: the batch path and the deployment's numbers. */
export interface KafkaConsumerSettings<S extends SubscriptionDefinition> extends Omit<
  BatchConsumerOptions,
  'groupId' | 'topic' | 'logger' | 'observer'
> {
  /** The per-event folds its batch handler applies (`ORDER_ROW_FOLDS`). */
  folds: EventFolds<S>;
  /** Values of the group's `{parameters}`: the rebuilder's `{runId}`, a group per run. */
  group?: Readonly<Record<string, string>>;
  /**
   * `service` (the projector): observed (lag, readiness), registered for pause / resume and
   * left on shutdown, for as long as the app runs. `run` (a rebuild's replay): the caller
   * starts and stops it; a one-off group that nobody pauses or scrapes.
   */
  lifetime: 'service' | 'run';
  /** The read model the group feeds: its committed offsets are reported as its position. */
  projection?: string;
}

/** A declared consumer: start it (it joins its group), stop it (it leaves). */
export interface HostedKafkaConsumer {
  readonly groupId: string;
  readonly consumer: BatchConsumer;
  /** Its metrics: also for what the handler settles itself (dead letters). */
  readonly observer: ConsumerObserver;
  start(): Promise<void>;
  /** Leaves the group; a `service` consumer not stopped by its owner is stopped on shutdown. */
  stop(): Promise<void>;
}

/** The group id of a Kafka subscription, its `{parameters}` filled in. */
export function kafkaGroupOf(
  subscription: SubscriptionDefinition,
  parameters: Readonly<Record<string, string>> = {},
): string {
  if (subscription.consumer.kind !== 'kafka')
    throw new Error(`not a Kafka subscription: ${subscription.consumer.kind}`);
  const { group } = subscription.consumer;
  return group.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`no value for {${name}} in group ${group}`);
    return value;
  });
}

/**
 * ### One way to declare a Kafka consumer: from its subscription in the catalog.
 *
 * The Kafka twin of `JetStreamConsumerHost`. The subscription gives the topic and the
 * group id; the host checks it is one the catalog gives this app (another app's refuses
 * to start) and that the folds are exactly its `handles` (the type checker says so too;
 * this catches a cast), then builds the `eachBatch` consumer (ADR 0017: whole partition
 * batches, offsets committed after the handler, which stores its own position with its
 * rows) and, for a `service` consumer, observes it, registers it for pause / resume (ADR
 * 0016) and stops it on shutdown.
 *
 * Records are handed over raw and decoded by the handler, inside its transaction, with
 * the channel's decoder (`decodeOrderEvent`): a poison record must be dead-lettered in
 * the same transaction that moves the checkpoint past it, and a rebuild decodes on its
 * worker threads (ADR 0020), not on the thread that keeps the consumer.
 */
@Injectable()
export class KafkaConsumerHost implements OnApplicationShutdown {
  private readonly logger = new Logger(KafkaConsumerHost.name);
  private readonly hosted = new Set<BatchConsumer>();

  constructor(
    @Inject(KAFKA) private readonly kafka: ReturnType<typeof createKafka>,
    @Inject(KAFKA_APP) private readonly app: AppName,
    private readonly admin: KafkaAdmin,
    @Optional() private readonly registry?: ConsumerRegistry,
    @Optional() private readonly monitor?: ConsumerMonitor,
  ) {}

  consume<S extends SubscriptionDefinition>(
    subscription: S,
    settings: KafkaConsumerSettings<S>,
  ): HostedKafkaConsumer {
    const { folds, group, lifetime, projection, ...options } = settings;
    if (subscription.app !== this.app)
      throw new Error(
        `the catalog routes this subscription to ${subscription.app}, not ${this.app}`,
      );
    if (subscription.consumer.kind !== 'kafka')
      throw new Error(`not a Kafka subscription: ${subscription.consumer.kind}`);
    const routed = Object.keys(subscription.handles).sort().join();
    const folded = Object.keys(folds).sort().join();
    if (routed !== folded)
      throw new Error(
        `the folds (${folded}) are not the events the catalog routes here (${routed})`,
      );
    const { topic } = subscription.consumer;
    const groupId = kafkaGroupOf(subscription, group);
    const service = lifetime === 'service';
    const observer =
      service && this.monitor
        ? this.monitor.kafka({
            admin: this.admin,
            groupId,
            topic,
            projection,
            // Read at readiness time, once the consumer below exists.
            membership: () => consumer.membership,
          })
        : silentObserver;
    const consumer: BatchConsumer = new BatchConsumer(this.kafka, {
      ...options,
      groupId,
      topic,
      logger: this.logger,
      observer,
    });
    return {
      groupId,
      consumer,
      observer,
      start: async () => {
        await consumer.start();
        if (!service) return;
        this.registry?.register(consumer);
        this.hosted.add(consumer);
      },
      stop: async () => {
        this.hosted.delete(consumer);
        await consumer.stop();
      },
    };
  }

  /** Leave each group first: a rebalance hands its partitions to the other instances. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.hosted].map((consumer) => consumer.stop()));
  }
}
