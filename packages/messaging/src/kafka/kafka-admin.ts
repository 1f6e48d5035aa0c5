import { ConfigResourceTypes, ConfigSource, type Admin, type Kafka } from 'kafkajs';
import type { RunnerLogger } from '../nats/pull-consumer-runner';
import { consumerGroupLag, type PartitionLag } from './consumer-lag';
import { retryingRetriable } from './retriable';
import {
  describeTopicChanges,
  planTopicConfigs,
  type ConfigChange,
  type DescribedConfig,
} from './topic-configs';

/** A topic as declared (contracts' `TopicDefinition`); a test may leave the rest out. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Broker default (`default.replication.factor`) when left out. */
  replicationFactor?: number;
  /** Topic-level configs, set at creation and reconciled on every start. */
  configs?: Readonly<Record<string, string>>;
}

/** What `ensureTopics` found and did for one topic. */
export interface TopicReconciliation {
  topic: string;
  created: boolean;
  /** Declared configs that were not as declared, now altered. */
  changed: ConfigChange[];
  /** Partitions the existing topic has, when not as declared (never changed by a start). */
  partitions?: { declared: number; actual: number };
}

/** The two ends of one partition's log: `low` is the first offset still stored. */
export interface PartitionOffsets {
  partition: number;
  low: bigint;
  high: bigint;
}

/** Reads of a freshly created topic: 10 tries over about 5.5 s, then the broker's error. */
const RECONCILE_ATTEMPTS = 10;
/** Kafka's error code for a topic or partition this broker does not know (yet). */
const UNKNOWN_TOPIC_OR_PARTITION = 3;

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

  /**
   * ### Every topic as declared: created if missing, reconciled if not.
   *
   * - A missing topic is created with its partitions, replication factor and configs.
   * - An existing topic's configs are read (DescribeConfigs) and every declared config
   *   that is not set on the topic with its declared value is altered, keeping the topic's
   *   other topic-level configs (see `planTopicConfigs`). Each change is logged as
   *   `name: old → new`; a topic already as declared is left alone, without a write.
   * - Partitions are never added: the partition of a record is murmur2(key) mod the
   *   partition count, so adding partitions would send an order's next events to another
   *   partition than its earlier ones, and consumers could read them out of order. A topic
   *   with fewer partitions than declared keeps working (each order still has one
   *   partition) and is logged as an error for an operator to decide (ADR 0023).
   *
   * Every service that uses a topic calls this on start, so a topic created by hand, by an
   * older version, or changed since, is put back as declared before anything is written.
   */
  async ensureTopics(topics: TopicSpec[], logger?: RunnerLogger): Promise<TopicReconciliation[]> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    const created = new Set<string>();
    // One topic per call: kafkajs answers `false` when every topic of a call already
    // existed, and throws when only some did. Two instances starting together race to
    // create a topic; the loser gets `false` and reconciles what the winner created like
    // any existing topic (it used to count the topic as its own and skip that).
    for (const topic of missing) {
      const madeHere = await this.admin.createTopics({
        // Not kafkajs' own wait: it retries only LEADER_NOT_AVAILABLE, and on a cluster
        // a broker that has not yet heard of the new topic answers its metadata request
        // with UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this
        // topic-partition"), which kafkajs then throws although the topic was created:
        // the service's start-up failed on a fresh 3-broker cluster. `waitForLeaders`
        // below retries both.
        waitForLeaders: false,
        topics: [
          {
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor: topic.replicationFactor ?? -1,
            configEntries: Object.entries(topic.configs ?? {}).map(([name, value]) => ({
              name,
              value,
            })),
          },
        ],
      });
      if (madeHere) created.add(topic.name);
    }
    if (created.size > 0) await this.waitForLeaders([...created]);
    for (const name of created) logger?.log(`topic ${name} created as declared`);
    const toCheck = topics.filter((topic) => !created.has(topic.name));
    const checked = toCheck.length > 0 ? await this.reconcile(toCheck, logger) : [];
    return topics.map(
      (topic) =>
        checked.find((result) => result.topic === topic.name) ?? {
          topic: topic.name,
          created: true,
          changed: [],
        },
    );
  }

  /**
   * Resolves once every partition of `topics` has a leader, as the metadata of whichever
   * broker kafkajs asks says: until then a write or a read of the topic would fail.
   * Bounded (`RECONCILE_ATTEMPTS`): a topic that never gets leaders fails the start-up
   * with the broker's own error.
   */
  private async waitForLeaders(topics: string[]): Promise<void> {
    await retryingRetriable(async () => {
      const metadata = await this.admin.fetchTopicMetadata({ topics });
      const unknown = topics.filter(
        (name) => !metadata.topics.some((topic) => topic.name === name && topic.partitions.length),
      );
      const leaderless = metadata.topics.flatMap((topic) =>
        topic.partitions
          .filter((partition) => partition.leader < 0)
          .map((partition) => `${topic.name}/${partition.partitionId}`),
      );
      if (unknown.length + leaderless.length > 0)
        throw Object.assign(
          new Error(`no leader yet for ${[...unknown, ...leaderless].join(', ')}`),
          {
            retriable: true,
          },
        );
    }, RECONCILE_ATTEMPTS);
  }

  private async reconcile(
    topics: TopicSpec[],
    logger?: RunnerLogger,
  ): Promise<TopicReconciliation[]> {
    // A topic another instance has just created may not have partition leaders yet: its
    // metadata and configs answer "This server does not host this topic-partition" for a
    // moment (retriable), which must not fail this service's start-up.
    const metadata = await retryingRetriable(
      () => this.admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) }),
      RECONCILE_ATTEMPTS,
    );
    const configs = await retryingRetriable(
      () => this.topicConfigs(topics.map((topic) => topic.name)),
      RECONCILE_ATTEMPTS,
    );
    const results: TopicReconciliation[] = [];
    for (const topic of topics) {
      const result: TopicReconciliation = { topic: topic.name, created: false, changed: [] };
      const actual =
        metadata.topics.find((entry) => entry.name === topic.name)?.partitions.length ?? 0;
      if (actual !== topic.partitions) {
        result.partitions = { declared: topic.partitions, actual };
        const report = `topic ${topic.name} has ${actual} partitions, ${topic.partitions} declared; left as it is: adding partitions would move orders to other partitions and break their order (ADR 0023)`;
        if (actual < topic.partitions) logger?.error(report);
        else logger?.warn(report);
      }
      const plan = planTopicConfigs(topic.name, topic.configs ?? {}, configs.get(topic.name) ?? []);
      if (plan.changes.length > 0) {
        await this.alterTopicConfigs(topic.name, plan.desired);
        result.changed = plan.changes;
        logger?.warn(
          `topic ${topic.name} was not as declared, reconciled: ${describeTopicChanges(plan.changes)}`,
        );
      }
      results.push(result);
    }
    return results;
  }

  /** Every config of each topic, with where its value comes from. */
  async topicConfigs(topics: string[]): Promise<Map<string, DescribedConfig[]>> {
    const { resources } = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
    });
    const byTopic = new Map<string, DescribedConfig[]>();
    for (const resource of resources) {
      if (resource.errorCode !== 0)
        throw Object.assign(
          new Error(
            `could not describe the configs of topic ${resource.resourceName}: ${resource.errorMessage}`,
          ),
          // 3 = UNKNOWN_TOPIC_OR_PARTITION: a topic created a moment ago, not known yet.
          { retriable: resource.errorCode === UNKNOWN_TOPIC_OR_PARTITION },
        );
      byTopic.set(
        resource.resourceName,
        resource.configEntries.map((entry) => ({
          name: entry.configName,
          value: entry.isSensitive ? null : entry.configValue,
          topicLevel: entry.configSource === ConfigSource.TOPIC_CONFIG,
        })),
      );
    }
    return byTopic;
  }

  /** AlterConfigs: `configs` becomes the topic's whole set of topic-level configs. */
  private async alterTopicConfigs(topic: string, configs: Record<string, string>): Promise<void> {
    const { resources } = (await this.admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
    })) as { resources: { errorCode: number; errorMessage: string | null }[] };
    const failed = resources.find((resource) => resource.errorCode !== 0);
    if (failed)
      throw new Error(`could not alter the configs of topic ${topic}: ${failed.errorMessage}`);
  }

  /**
   * Low and high watermark of every partition, by partition number. Asked again while the
   * broker says it is a moment early: right after a topic is created (its leaders known,
   * not yet serving) a broker answered "This server is not the leader for that
   * topic-partition" (retriable) and kafkajs passed it on (seen once in CI).
   */
  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    const offsets = await retryingRetriable(
      () => this.admin.fetchTopicOffsets(topic),
      RECONCILE_ATTEMPTS,
    );
    return offsets
      .map(({ partition, low, high }) => ({ partition, low: BigInt(low), high: BigInt(high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /**
   * Deletes every record below `offset` on each partition (`kafka-delete-records`): what
   * retention does by age. For operators and tests; no service calls it.
   */
  async deleteRecordsBefore(
    topic: string,
    partitions: { partition: number; offset: bigint }[],
  ): Promise<void> {
    await this.admin.deleteTopicRecords({
      topic,
      partitions: partitions.map(({ partition, offset }) => ({
        partition,
        offset: offset.toString(),
      })),
    });
  }

  /** The broker (node id) that leads each partition now: where its writes go. */
  async partitionLeaders(topic: string): Promise<Map<number, number>> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics.find((entry) => entry.name === topic)?.partitions ?? [];
    return new Map(partitions.map(({ partitionId, leader }) => [partitionId, leader]));
  }

  /**
   * Partitions of `topic` whose in-sync replicas are fewer than their replicas: a broker
   * that came back has not caught up yet (or one is down). Zero before the next broker of
   * a rolling restart may go.
   */
  async underReplicatedPartitions(topic: string): Promise<number[]> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics.find((entry) => entry.name === topic)?.partitions ?? [];
    return partitions
      .filter(({ isr, replicas }) => isr.length < replicas.length)
      .map(({ partitionId }) => partitionId);
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
