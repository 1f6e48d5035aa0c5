import type { ScenarioContext } from '../context';

type KafkaClient = ReturnType<ScenarioContext['kafka']>;
type Consumer = ReturnType<KafkaClient['consumer']>;

/** One record as a lesson sees it: who processed it, from where, when. */
export interface Processed {
  member: string;
  partition: number;
  key: string;
  /** `performance.now()` when the handler finished with it. */
  at: number;
}

export interface GroupMemberOptions {
  /** How the narration names this member ("consumer 2"). */
  label: string;
  groupId: string;
  topic: string;
  /**
   * How long the broker waits for a heartbeat before it declares the member dead and
   * rebalances the group. kafkajs heartbeats from its fetch loop, between messages: a
   * handler that blocks longer than this is evicted (kafkajs's `max.poll.interval.ms`).
   */
  sessionTimeoutMs?: number;
  /** How often a healthy member heartbeats, and so how soon it hears of a rebalance. */
  heartbeatIntervalMs?: number;
  /** Every processed record of every member of one lesson, in processing order. */
  timeline: Processed[];
}

/**
 * ### A Kafka consumer-group member that shows what the group protocol does to it.
 *
 * The services read Kafka through package messaging's `BatchConsumer`, which hides the
 * group protocol on purpose. A lesson about partitions and rebalances has to look at it:
 * which partitions the coordinator gave this member at each join (kafkajs `GROUP_JOIN`),
 * how often it had to rejoin, and what it processed. So this talks to kafkajs directly,
 * through the scenario context's client, and counts (ADR 0039).
 */
export class GroupMember {
  /** Partitions of the latest assignment (empty: a member with nothing to read). */
  assignment: number[] = [];
  /** Group joins so far: the first, and one per rebalance this member took part in. */
  joins = 0;
  processed = 0;
  /** `performance.now()` of the first record processed. */
  firstProcessedAt: number | undefined;
  /** Set to make the handler block on the next record until `release()`. */
  private stuck: { promise: Promise<void>; release: () => void } | undefined;
  /** `performance.now()` when a stuck handler began to wait. */
  stuckSince: number | undefined;
  private readonly consumer: Consumer;

  constructor(
    kafka: KafkaClient,
    private readonly options: GroupMemberOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      // A fetch that found nothing returns after this: keeps an idle member's loop (and so
      // its heartbeats and its hearing of a rebalance) moving.
      maxWaitTimeInMs: 500,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joins += 1;
      this.assignment = [...(payload.memberAssignment[options.topic] ?? [])].sort();
    });
  }

  get label(): string {
    return this.options.label;
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (this.stuck) {
          this.stuckSince = performance.now();
          await this.stuck.promise;
        }
        const at = performance.now();
        this.firstProcessedAt ??= at;
        this.processed += 1;
        const key = message.key?.toString() ?? '';
        this.options.timeline.push({ member: this.options.label, partition, key, at });
      },
    });
  }

  /** From the next record on, the handler waits (a call that hangs, a long GC pause…). */
  getStuck(): void {
    let release = () => {};
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.stuck = { promise, release };
  }

  /** The hung call returns; the member carries on as if nothing happened. */
  release(): void {
    const stuck = this.stuck;
    this.stuck = undefined;
    stuck?.release();
  }

  async stop(): Promise<void> {
    this.release();
    await this.consumer.disconnect();
  }
}

/** The longest time in which nobody processed anything, between `from` and `to`. */
export function longestPause(
  timeline: readonly { at: number }[],
  from: number,
  to: number,
): number {
  const times = [
    from,
    ...timeline.map((entry) => entry.at).filter((at) => at > from && at < to),
    to,
  ];
  times.sort((a, b) => a - b);
  let longest = 0;
  for (let index = 1; index < times.length; index += 1)
    longest = Math.max(longest, times[index]! - times[index - 1]!);
  return longest;
}
