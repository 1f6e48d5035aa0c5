import { setTimeout as sleep } from 'node:timers/promises';
import { EventProducer, KafkaAdmin } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import { until } from '../poll';
import { GroupMember, longestPause, type Processed } from './group-member';
import type { LessonRun } from './lesson-run';

export interface StuckMember {
  /** The stuck member's session timeout: how long the broker waits for its heartbeat. */
  sessionTimeoutMs: number;
  /** From the handler hanging to the other member holding every partition. */
  evictedAfterMs: number;
  /** Rebalances the healthy member went through: the eviction, then the stuck one's return. */
  rebalances: number;
  /** Records processed twice: the other member re-read what the stuck one had not committed. */
  reprocessed: number;
}

export interface ConsumerGroupJoin {
  produced: number;
  /** Records each member processed: [the first member, the one that joined]. */
  processed: [number, number];
  /** From "start the new member" (connect included) to its first record. */
  joinToFirstMessageMs: number;
  /** The longest time nobody in the group processed anything, around the join. */
  longestPauseMs: number;
  /** The first member's partitions before and after the newcomer joined. */
  firstMemberPartitions: { before: number[]; after: number[] };
  /** Group joins of the first member through the newcomer's join: 1 + one per rebalance. */
  firstMemberJoins: number;
  stuck?: StuckMember;
}

export interface ConsumerGroupJoinOptions {
  warmup: number;
  intervalMs: number;
  /** Also make the newcomer hang in its handler for longer than its session timeout. */
  stuck: boolean;
}

/** The broker's minimum (`group.min.session.timeout.ms`): the quickest eviction Kafka allows. */
const STUCK_SESSION_TIMEOUT_MS = 6_000;

/**
 * ### A Kafka consumer group grows under load: a rebalance.
 *
 * A producer writes a numbered record every `intervalMs` to a topic with two partitions;
 * one member of a group holds both. A second member joins: the coordinator starts a
 * rebalance, the first member hears of it at its next heartbeat, gives up its partitions
 * (kafkajs uses the eager protocol: every member stops), rejoins, and the coordinator
 * hands out the partitions again. Until then, the newcomer reads nothing, and for a while
 * nobody does.
 *
 * Then the newcomer's handler hangs (a call that never returns). kafkajs heartbeats from
 * the loop that calls the handler, so no heartbeat leaves: after the session timeout the
 * broker evicts the member and rebalances again. The records it had not committed go to
 * the other member; when the hung call finally returns, the evicted member finishes its
 * record anyway (processed twice) and rejoins: a third rebalance. This is what
 * `max.poll.interval.ms` does to a slow handler in the Java client.
 */
export async function consumerGroupJoin(
  context: ScenarioContext,
  run: LessonRun,
  { warmup, intervalMs, stuck }: ConsumerGroupJoinOptions,
): Promise<ConsumerGroupJoin> {
  const topic = run.names.kafka.topics.rebalance;
  const groupId = run.names.kafka.groups.rebalance;
  const kafka = context.kafka();
  const admin = new KafkaAdmin(kafka);
  const producer = new EventProducer(kafka);
  const timeline: Processed[] = [];
  // The first member as the services' consumers are configured (BatchConsumer).
  const first = new GroupMember(kafka, {
    label: 'member 1',
    groupId,
    topic: topic.name,
    timeline,
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
  });
  const newcomer = new GroupMember(kafka, {
    label: 'member 2',
    groupId,
    topic: topic.name,
    timeline,
    sessionTimeoutMs: STUCK_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: 1_000,
  });
  let produced = 0;
  let producing = true;
  await admin.connect();
  await admin.ensureTopics([topic]);
  await producer.connect();
  const writer = (async () => {
    while (producing) {
      await producer.send(topic.name, [
        { key: String(produced), value: String(produced), partition: produced % topic.partitions },
      ]);
      produced += 1;
      await sleep(intervalMs);
    }
  })();
  try {
    await first.start();
    await until(`${warmup} records at the first member`, () => first.processed >= warmup);
    const before = first.assignment;
    const joinedAt = performance.now();
    await newcomer.start();
    await until('the new member’s first record', () => newcomer.firstProcessedAt !== undefined);
    await until('both members to share the work', () => newcomer.processed >= warmup / 2);
    const endedAt = performance.now();
    const joined: ConsumerGroupJoin = {
      produced,
      processed: [first.processed, newcomer.processed],
      joinToFirstMessageMs: newcomer.firstProcessedAt! - joinedAt,
      longestPauseMs: longestPause(timeline, joinedAt, endedAt),
      firstMemberPartitions: { before, after: first.assignment },
      firstMemberJoins: first.joins,
    };
    if (!stuck) return joined;
    return { ...joined, stuck: await hang(first, newcomer, timeline) };
  } finally {
    producing = false;
    await writer.catch(() => undefined);
    await Promise.allSettled([first.stop(), newcomer.stop(), producer.disconnect()]);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.deleteTopics([topic.name]).catch(() => undefined);
    await admin.disconnect();
  }
}

async function hang(
  healthy: GroupMember,
  hung: GroupMember,
  timeline: readonly Processed[],
): Promise<StuckMember> {
  const joinsBefore = healthy.joins;
  hung.getStuck();
  const since = await until('the newcomer’s handler to hang', () => hung.stuckSince);
  await until(
    'the broker to evict the hung member and give its partitions to the other',
    () => healthy.joins > joinsBefore && healthy.assignment.length === 2,
    60_000,
  );
  const evictedAfterMs = performance.now() - since;
  const joinsAtEviction = healthy.joins;
  hung.release();
  await until(
    'the evicted member to rejoin (another rebalance)',
    () => healthy.joins > joinsAtEviction && healthy.assignment.length === 1,
    60_000,
  );
  const keys = timeline.map((entry) => entry.key);
  return {
    sessionTimeoutMs: STUCK_SESSION_TIMEOUT_MS,
    evictedAfterMs,
    rebalances: healthy.joins - joinsBefore,
    reprocessed: keys.length - new Set(keys).size,
  };
}
