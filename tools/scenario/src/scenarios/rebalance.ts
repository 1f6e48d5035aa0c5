import type { ScenarioContext } from '../context';
import { consumerGroupJoin, type ConsumerGroupJoin } from '../lessons/consumer-group-join';
import { lessonRun } from '../lessons/lesson-run';
import { queueGroupJoin, type QueueGroupJoin } from '../lessons/queue-group-join';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface RebalanceOptions extends ScenarioOptions {
  /** Milliseconds between two messages of the steady load. */
  intervalMs: number;
  /** Messages the first member processes before the second joins. */
  warmup: number;
  /** 1: also hang the second Kafka member past its session timeout; 0: skip. */
  stuck: number;
}

export interface RebalanceOutcome {
  nats: QueueGroupJoin;
  kafka: ConsumerGroupJoin;
}

const ms = (value: number) => `${Math.round(value)} ms`;

/**
 * ### rebalance: a queue group grows at once; a consumer group stops to rebalance.
 *
 * The same steady load, twice: a numbered message every few milliseconds, first to a NATS
 * queue group, then to a Kafka consumer group. After a warm-up a second member joins each.
 * The lesson is in two numbers per bus: how long until the new member got its first
 * message, and the longest time nobody in the group processed anything.
 */
export const rebalance: Scenario<RebalanceOutcome, RebalanceOptions> = {
  name: 'rebalance',
  standalone: true,
  claim: 'a new queue-group member is effective at once; a consumer group pauses to rebalance',
  summary:
    'a second member joins a NATS queue group and a Kafka consumer group under load; then a Kafka member hangs',
  flags: [
    { flags: '--interval-ms <n>', description: 'ms between two messages', defaultValue: 5 },
    {
      flags: '--warmup <n>',
      description: 'messages before the second member joins',
      defaultValue: 100,
    },
    {
      flags: '--stuck <0|1>',
      description: '1: hang a Kafka member past its session timeout',
      defaultValue: 1,
    },
  ],
  async run(context: ScenarioContext, { intervalMs, warmup, stuck }) {
    const { narrator } = context;
    const run = lessonRun();
    narrator.step(
      `NATS: one member in queue group ${run.names.nats.queues.rebalance}, a message every ${intervalMs} ms; after ${warmup}, a second member joins`,
    );
    const nats = await queueGroupJoin(context, run, { warmup, intervalMs });
    narrator.saw(
      `the new member got its first message ${ms(nats.joinToFirstMessageMs)} after it started connecting; ` +
        `the longest time nobody processed anything: ${ms(nats.longestPauseMs)}`,
    );
    narrator.saw(
      `${nats.published} published, processed ${nats.processed[0]} + ${nats.processed[1]}; lost ${nats.lost}, twice ${nats.duplicates}`,
    );

    narrator.step(
      `Kafka: one member of group ${run.names.kafka.groups.rebalance} on a topic with ${run.names.kafka.topics.rebalance.partitions} partitions (session timeout 30 s, heartbeat 3 s, as the services); after ${warmup} records, a second member joins`,
    );
    const kafka = await consumerGroupJoin(context, run, { warmup, intervalMs, stuck: stuck > 0 });
    narrator.saw(
      `the new member got its first record ${ms(kafka.joinToFirstMessageMs)} after it started connecting; ` +
        `the longest time nobody processed anything: ${ms(kafka.longestPauseMs)}`,
    );
    narrator.saw(
      `member 1 held partitions [${kafka.firstMemberPartitions.before.join(', ')}], after the rebalance ` +
        `[${kafka.firstMemberPartitions.after.join(', ')}]; it joined the group ${kafka.firstMemberJoins} times`,
    );
    if (kafka.stuck)
      narrator.saw(
        `member 2's handler hung: evicted ${ms(kafka.stuck.evictedAfterMs)} later (session timeout ` +
          `${ms(kafka.stuck.sessionTimeoutMs)}), ${kafka.stuck.rebalances} more rebalances ` +
          `(its eviction, its return), ${kafka.stuck.reprocessed} record(s) processed twice`,
      );
    narrator.conclude(
      `A NATS queue group has no membership protocol: the server picks a member per message, ` +
        `so the newcomer worked ${ms(nats.joinToFirstMessageMs)} after it started and nobody ` +
        `stopped (longest gap ${ms(nats.longestPauseMs)}, at ${intervalMs} ms between messages). ` +
        `A Kafka group must agree who owns which partition: the newcomer waited ` +
        `${ms(kafka.joinToFirstMessageMs)}, and for ${ms(kafka.longestPauseMs)} nobody processed ` +
        `anything.` +
        (kafka.stuck
          ? ` A member that stops heartbeating (a hung handler; max.poll.interval.ms in the Java ` +
            `client) is evicted after its session timeout, which rebalances the group again, and ` +
            `its uncommitted work is done twice: Kafka consumers must be idempotent.`
          : ''),
    );
    return { nats, kafka };
  },
};
