/**
 * ### What a consumer runner reports while it works.
 *
 * The runners (`PullConsumerRunner`, `BatchConsumer`) call these hooks; what is done
 * with the numbers (Prometheus counters, in `@switchyard/service`) is not their
 * business. So the runners stay free of any metrics library, and a test can hand them
 * a recording double.
 *
 * Every hook must be cheap and must never throw: it runs on the message path.
 */
export interface ConsumerObserver {
  /** A batch arrived: `count` messages, of which `redelivered` were delivered before. */
  received(count: number, redelivered: number): void;
  /** The handler finished a batch after `seconds`; `failed` when it threw (the batch is retried). */
  handled(seconds: number, failed: boolean): void;
  /** `count` messages ended with `outcome`: acked (or committed), nak'ed for a retry, or dead-lettered. */
  settled(outcome: SettleOutcome, count: number): void;
  /**
   * JetStream runners: a dead-letter write was refused (the runner holds the message and
   * tries again; it is not settled yet). Anything above zero needs an operator.
   */
  deadLetterFailed?(count: number): void;
  /** Kafka only: the group committed `nextOffset` (the next record to read) on `partition`. */
  committed?(partition: number, nextOffset: bigint): void;
}

export type SettleOutcome = 'ack' | 'nak' | 'dead_letter';

/** The default: observe nothing. */
export const silentObserver: ConsumerObserver = {
  received() {},
  handled() {},
  settled() {},
};

/** Seconds since `startedAt` (a `process.hrtime.bigint()` reading). */
export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}
