import { backoff, headers as natsHeaders } from '@nats-io/transport-node';
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { MessageHeaders } from '@switchyard/contracts';
import type { PausableConsumer } from '../control/pausable';
import { PauseGate } from '../control/pause-gate';
import {
  secondsSince,
  silentObserver,
  type ConsumerObserver,
} from '../observing/consumer-observer';

/** What to do with one message after the handler looked at it. */
export type Disposition =
  /** Done: the server forgets it for this consumer. */
  | { kind: 'ack' }
  /**
   * Failed for now (a broker down, a timeout): redeliver after `delayMs`, or after the
   * runner's backoff for this delivery count when `delayMs` is left out.
   */
  | {
      kind: 'nak';
      delayMs?: number;
      reason: string;
      /** An expected wait, not a failure (a timer not due yet): not logged as a retry. */
      quiet?: boolean;
    }
  /** Can never succeed (unparseable, schema-invalid): dead-letter it and move on. */
  | { kind: 'dead-letter'; reason: string };

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface PullConsumerRunnerOptions {
  js: JetStreamClient;
  stream: string;
  durable: string;
  /**
   * How many deliveries a message gets before it is dead-lettered: the delivery that
   * reaches it is the last chance. This is the policy, decided here in code; the
   * durable's server-side `max_deliver` sits `SERVER_MAX_DELIVER_HEADROOM` above it (see
   * `serverMaxDeliver`), so the server never drops a message the runner still answers for.
   */
  maxDeliver: number;
  /**
   * The consumer's `ack_wait`. While a batch is being handled the runner tells the
   * server it is still working every half of it, so a slow downstream (Kafka taking a
   * while to ack) does not make JetStream redeliver the batch to someone else.
   */
  ackWaitMs: number;
  /** Where messages go when they fail for good; a stream must capture this subject. */
  deadLetterSubject: string;
  /** Handles a batch, returning one disposition per message, in order. */
  handle(messages: JsMsg[]): Promise<Disposition[]>;
  batchSize?: number;
  /** How long one pull waits for messages before asking again. */
  fetchExpiresMs?: number;
  /** Delay before a batch whose handler threw is redelivered (grows with delivery count). */
  retryDelayMs?: (deliveryCount: number) => number;
  logger: RunnerLogger;
  /** Counts what the runner does (metrics); observes nothing when left out. */
  observer?: ConsumerObserver;
  /**
   * Keep each subject's messages in stream order across retries (the bridge: Kafka keeps
   * records in the order they are sent, and readers rely on an order's events coming in
   * order). A failed batch is then tried again in place, holding it, while it has
   * deliveries left (see `handleInPlace`); only when they run out (or on stop) is it
   * nak'ed, without delay.
   */
  preserveOrder?: boolean;
  /**
   * Pull the next batch while the handler works on this one (default off). For a handler
   * that waits on something bounded and quick (the bridge waits ~10 ms for Kafka's
   * ack), it hides the pull's round trip. Batches are still handled one at a time, in
   * order. The prefetched batch is kept alive with `working()` while it waits, and is
   * given back (`nak` without delay, after the failed batch) when a batch fails with
   * `preserveOrder`, on pause and on stop. Each message is given back at most once per
   * failure streak (no prefetch until a batch succeeds again), so it costs at most one
   * extra delivery against `max_deliver`.
   */
  prefetch?: boolean;
}

/** What one pull brought: its messages, and the error if it broke off part-way. */
interface Pulled {
  batch: JsMsg[];
  error?: Error;
}

/** nats.js's jittered backoff: 250 ms, 500 ms, 1 s, … capped at 30 s (retries, refused dead letters). */
const defaultBackoff = backoff([250, 500, 1_000, 2_000, 5_000, 10_000, 30_000]);
const defaultRetryDelay = (deliveryCount: number) => defaultBackoff.backoff(deliveryCount - 1);

/**
 * How far above the runner's `maxDeliver` the durable's server-side `max_deliver` is set.
 *
 * The server's limit is a backstop, never the policy: when the server's `max_deliver` is
 * reached it stops delivering the message and keeps no trace of it but a core-NATS
 * advisory. Deliveries beyond the code's limit only happen when nobody settled the
 * previous one (a crash or a kill while handling it, `ack_wait` running out on a stalled
 * process, a stop while the dead-letter stream refused writes); each such delivery is
 * dead-lettered at once without being handled (see `process`). Reaching the server's
 * limit would take this many of them in a row, every one unable to write its dead
 * letter: 100 is far beyond any outage the runner's logs and
 * `switchyard_consumer_dead_letter_failures_total` would not have shouted about first.
 * (ADR 0021.)
 */
export const SERVER_MAX_DELIVER_HEADROOM = 100;

/** The durable's `max_deliver` for a runner whose policy is `maxDeliver` deliveries. */
export const serverMaxDeliver = (maxDeliver: number) => maxDeliver + SERVER_MAX_DELIVER_HEADROOM;

/**
 * ### A durable pull-consumer loop with explicit acknowledgements.
 *
 * Pull (not push) consumers let each instance ask for work at its own pace; several
 * instances of one service share one durable consumer and so share the work.
 * Every message ends in exactly one of:
 * - `ack` after the work is done (never before: a crash in between must redeliver),
 * - `nak(delay)` when it failed for a reason that may pass (backoff grows per delivery),
 * - dead-letter + `term` when it can never succeed, or when it has used its last
 *   delivery (`maxDeliver`). The dead letter is written to a stream *before* the
 *   `term`, so a message is never dropped silently: the reason travels in its headers.
 *
 * A dead letter the stream refuses (deleted, full, not capturing the subject, JetStream
 * down) is NOT answered with a `nak`: past the server's `max_deliver` a nak'ed message is
 * never delivered again, i.e. lost. The runner keeps the message in hand instead and
 * writes the dead letter again with backoff until it is stored, or until the runner
 * stops (then the message is nak'ed: it comes back still past its limit and is
 * dead-lettered by whoever gets it). See ADR 0021.
 */
export class PullConsumerRunner implements PausableConsumer {
  private running = false;
  private readonly gate = new PauseGate();
  private loop: Promise<void> | undefined;
  private stopFetch: (() => void) | undefined;
  /** Messages of a prefetched pull, waiting for the batch in hand to finish. */
  private prefetched: JsMsg[] = [];
  private readonly retryDelay: (deliveryCount: number) => number;

  constructor(private readonly options: PullConsumerRunnerOptions) {
    this.retryDelay = options.retryDelayMs ?? defaultRetryDelay;
  }

  async start(): Promise<void> {
    const { js, stream, durable } = this.options;
    const consumer = await js.consumers.get(stream, durable);
    this.running = true;
    this.loop = this.run(consumer);
  }

  /** Finishes the batch in hand (acks included), then stops pulling. */
  async stop(): Promise<void> {
    this.running = false;
    this.gate.open();
    this.stopFetch?.();
    await this.loop;
  }

  get name(): string {
    return this.options.durable;
  }

  get isPaused(): boolean {
    return this.gate.isClosed;
  }

  /**
   * Stops taking work without stopping the process (the consumer control plane). The
   * pull in progress is NOT cut short: cutting it would strand the messages the server
   * is sending in reply until `ack_wait` redelivers them. So it runs out (at most
   * `fetchExpiresMs`), its batch is settled, and only then does this resolve. From then
   * on new messages wait in the stream: the consumer's `num_pending` grows.
   */
  pause(): Promise<void> {
    return this.gate.close();
  }

  /** Pulls again; the backlog that waited is delivered in order. */
  resume(): void {
    this.gate.open();
  }

  get isRunning(): boolean {
    return this.running;
  }

  private async run(consumer: Consumer): Promise<void> {
    const { logger, prefetch = false } = this.options;
    // The pull started ahead of time (`prefetch`), not yet handled.
    let next: Promise<Pulled> | undefined;
    let lastBatchFailed = false;
    while (this.running) {
      if (this.gate.isClosed) {
        await this.giveBack(next);
        next = undefined;
        await this.gate.park();
        continue;
      }
      this.gate.enter();
      try {
        const { batch, error } = await (next ?? this.pull(consumer));
        next = undefined;
        this.prefetched = [];
        // Ask for the next batch now: its round trip overlaps this batch's handling.
        // Never after a failed batch (until one succeeds): a batch failing again and
        // again would give the prefetched one back each time, and JetStream's
        // max_deliver would drop it without a dead letter.
        if (prefetch && !error && !lastBatchFailed && this.running && !this.gate.isClosed) {
          next = this.pull(consumer).then((pulled) => {
            this.prefetched = pulled.batch;
            return pulled;
          });
        }
        // A pull that broke off part-way ("heartbeats missed" on a stalled event loop)
        // already handed us messages: handle them now. Left alone they would come back
        // only after ack_wait, and the pulls meanwhile would deliver later messages of
        // the same subjects first (found by the fault drills: an OrderConfirmed reached
        // Kafka before its OrderPlaced, and the read model kept the order PLACED).
        if (batch.length > 0) lastBatchFailed = await this.process(batch);
        // The failed batch was nak'ed to come back first; the prefetched one must
        // follow it, not overtake it.
        if (lastBatchFailed && this.options.preserveOrder) {
          await this.giveBack(next);
          next = undefined;
        }
        if (error) throw error;
      } catch (error) {
        // Fetch fails while the server restarts or JetStream elects a leader: wait and
        // pull again.
        if (!this.running) break;
        logger.warn(
          `pull from ${this.options.stream}/${this.options.durable} failed: ${String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    // Stopping with a prefetched batch in hand: give it back now rather than after ack_wait.
    await this.giveBack(next);
    // Stopped: a pause() that raced the stop holds no work either.
    this.gate.idle();
  }

  /** One pull: up to `batchSize` messages, and the error if it broke off part-way. */
  private async pull(consumer: Consumer): Promise<Pulled> {
    const { batchSize = 100, fetchExpiresMs = 1_000 } = this.options;
    const batch: JsMsg[] = [];
    try {
      const iterator = await consumer.fetch({ max_messages: batchSize, expires: fetchExpiresMs });
      this.stopFetch = () => void iterator.stop();
      for await (const message of iterator) {
        batch.push(message);
      }
      return { batch };
    } catch (error) {
      return { batch, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /**
   * Returns a prefetched batch unhandled (`nak` without delay), in stream order: it is
   * redelivered at once, after anything nak'ed before it (a failed batch, when pausing
   * or stopping) and before anything newer.
   */
  private async giveBack(next: Promise<Pulled> | undefined): Promise<void> {
    if (!next) return;
    const { batch } = await next;
    this.prefetched = [];
    try {
      for (const message of batch) message.nak();
    } catch (error) {
      // The connection is gone: the server redelivers them after ack_wait instead.
      this.options.logger.warn(`could not give back a prefetched batch: ${String(error)}`);
      return;
    }
    if (batch.length > 0) (this.options.observer ?? silentObserver).settled('nak', batch.length);
  }

  /** Handles and settles one batch; true if the handler failed (the batch was nak'ed). */
  private async process(batch: JsMsg[]): Promise<boolean> {
    const { logger, ackWaitMs, maxDeliver, observer = silentObserver } = this.options;
    observer.received(
      batch.length,
      batch.filter((message) => message.info.deliveryCount > 1).length,
    );
    // Delivered more often than the policy allows: earlier deliveries were never settled
    // (the process handling it crashed or was killed, or ack_wait ran out). Handling it
    // again could crash again (a poison message in a crash loop): it is dead-lettered as
    // it is, with a reason that says so.
    const overdue = (message: JsMsg) => message.info.deliveryCount > maxDeliver;
    const toHandle = batch.filter((message) => !overdue(message));
    const startedAt = process.hrtime.bigint();
    let failed = false;
    let handled: Disposition[] = [];
    // Every message of the batch (and the prefetched one) stays ours until it is settled:
    // the handler may be slow, and settling may hold a message while its dead letter is
    // refused (`settle`). `working()` on an already acked message does nothing.
    const stillWorking = setInterval(() => {
      try {
        for (const message of [...batch, ...this.prefetched]) message.working();
      } catch (error) {
        // The connection is closed (shutting down): a throw here would be uncaught and
        // end the process; the server redelivers after ack_wait instead.
        logger.warn(`could not extend ack_wait: ${String(error)}`);
      }
    }, ackWaitMs / 2);
    try {
      try {
        if (toHandle.length > 0) handled = await this.handleInPlace(toHandle);
      } catch (error) {
        failed = true;
        logger.warn(`batch of ${toHandle.length} failed, will be redelivered: ${String(error)}`);
        const delays = toHandle.map((message) => this.retryDelay(message.info.deliveryCount));
        handled = toHandle.map((message, index) => ({
          kind: 'nak',
          delayMs: this.options.preserveOrder ? 0 : delays[index],
          reason: String(error),
        }));
      } finally {
        observer.handled(secondsSince(startedAt), failed);
      }
      let next = 0;
      for (const message of batch) {
        const disposition: Disposition = overdue(message)
          ? {
              kind: 'dead-letter',
              reason: `delivered ${message.info.deliveryCount} times, more than maxDeliver ${maxDeliver}: the deliveries before were never settled (the process handling it stopped, crashed or stalled past ack_wait), so it is not handled again`,
            }
          : handled[next++]!;
        // An ack is a fire-and-forget publish. Issued back to back, with no `await` in
        // between, nats.js coalesces a batch's acks into one socket write; awaiting each
        // settle let the client flush after every ack: one write per message (profiled on
        // the bridge: 28,841 writes for 30,000 events, now ~600; ~10 % of its CPU).
        if (disposition.kind === 'ack') this.ack(message);
        else await this.settle(message, disposition);
      }
    } finally {
      clearInterval(stillWorking);
    }
    return failed;
  }

  /**
   * The handler's dispositions for `batch`. With `preserveOrder`, a failed batch is tried
   * again in place (same messages, same order, growing backoff) while it has deliveries
   * left: handing it back (nak) and pulling again lets newer messages overtake it, because
   * the server may serve the next pull before it has processed our naks (found by the
   * fault drills while Kafka was down: OrderConfirmed reached Kafka before OrderPlaced).
   */
  private async handleInPlace(batch: JsMsg[]): Promise<Disposition[]> {
    const { handle, preserveOrder = false, maxDeliver, logger } = this.options;
    const delivered = Math.max(...batch.map((message) => message.info.deliveryCount));
    for (let attempt = 1; ; attempt++) {
      try {
        const dispositions = await handle(batch);
        if (dispositions.length !== batch.length) {
          throw new Error(
            `handler returned ${dispositions.length} dispositions for ${batch.length} messages`,
          );
        }
        return dispositions;
      } catch (error) {
        if (!preserveOrder || !this.running || delivered + attempt >= maxDeliver) throw error;
        const delayMs = this.retryDelay(attempt);
        logger.warn(
          `batch of ${batch.length} failed, trying it again in place in ${delayMs} ms (attempt ${attempt}): ${String(error)}`,
        );
        await this.holdOff(delayMs);
        if (!this.running) throw error;
      }
    }
  }

  /** Waits `delayMs` holding the batch (`working()` keeps it ours); a stop cuts it short. */
  private async holdOff(delayMs: number): Promise<void> {
    const until = Date.now() + delayMs;
    while (this.running && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(250, until - Date.now())));
    }
  }

  private ack(message: JsMsg): void {
    message.ack();
    (this.options.observer ?? silentObserver).settled('ack', 1);
  }

  private async settle(message: JsMsg, disposition: Disposition): Promise<void> {
    const observer = this.options.observer ?? silentObserver;
    if (disposition.kind === 'ack') {
      this.ack(message);
      return;
    }
    const lastChance = message.info.deliveryCount >= this.options.maxDeliver;
    if (disposition.kind === 'nak' && !lastChance) {
      const delayMs = disposition.delayMs ?? this.retryDelay(message.info.deliveryCount);
      message.nak(delayMs);
      observer.settled('nak', 1);
      if (disposition.quiet) return;
      this.options.logger.warn(
        `retrying ${message.subject} (seq ${message.seq}) in ${delayMs} ms, delivery ${message.info.deliveryCount}/${this.options.maxDeliver}: ${disposition.reason}`,
      );
      return;
    }
    const reason =
      disposition.kind === 'nak'
        ? `gave up after ${message.info.deliveryCount} deliveries: ${disposition.reason}`
        : disposition.reason;
    await this.deadLetterOrHold(message, reason);
  }

  /**
   * Writes the dead letter, then `term`s the message. When the dead-letter stream refuses
   * it, the message is kept in hand (the batch's `working()` keeps it ours) and the write
   * is tried again with backoff: a `nak` would hand it back to a server that, past its
   * `max_deliver`, never delivers it again. The consumer stalls meanwhile, on purpose:
   * every message after this one would need the same dead-letter stream, and an
   * order-preserving consumer (the bridge) must not move past it. Only a stop lets go of
   * it, with a `nak`: it comes back past `maxDeliver` and is dead-lettered then.
   */
  private async deadLetterOrHold(message: JsMsg, reason: string): Promise<void> {
    const { logger, observer = silentObserver } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deadLetter(message, reason);
        // A bare `+TERM`: nats-server 2.9 compares the payload to `+TERM` exactly and
        // ignores `+TERM <reason>` (reasons came in 2.10), which left every dead-lettered
        // message pending, redelivered after ack_wait and dead-lettered again until the
        // server's max_deliver. The reason travels in the dead letter's headers.
        message.term();
        observer.settled('dead_letter', 1);
        return;
      } catch (error) {
        observer.deadLetterFailed?.(1);
        if (!this.running) {
          logger.error(
            `dead-lettering ${message.subject} (seq ${message.seq}) failed and the runner is stopping: handing it back (nak), it will be dead-lettered on its next delivery: ${String(error)}`,
          );
          message.nak();
          observer.settled('nak', 1);
          return;
        }
        const delayMs = defaultBackoff.backoff(attempt - 1);
        logger.error(
          `dead-lettering ${message.subject} (seq ${message.seq}) failed (attempt ${attempt}), holding the message and trying again in ${delayMs} ms: ${String(error)}`,
        );
        await this.holdOff(delayMs);
      }
    }
  }

  private async deadLetter(message: JsMsg, reason: string): Promise<void> {
    const { js, deadLetterSubject, logger } = this.options;
    const headers = natsHeaders();
    for (const [key, values] of message.headers ?? []) {
      for (const value of values) headers.append(key, value);
    }
    headers.set(MessageHeaders.deadLetterReason, reason.slice(0, 1_000));
    headers.set(
      MessageHeaders.deadLetterSource,
      `${message.info.stream}:${message.seq}:${message.subject}`,
    );
    headers.set(MessageHeaders.deliveryCount, String(message.info.deliveryCount));
    // The msgID makes a retried dead-lettering idempotent.
    await js.publish(deadLetterSubject, message.data, {
      headers,
      msgID: `${message.info.stream}:${message.seq}`,
    });
    logger.warn(`dead-lettered ${message.subject} (seq ${message.seq}): ${reason}`);
  }
}
