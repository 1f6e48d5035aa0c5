import { backoff, headers as natsHeaders } from '@nats-io/transport-node';
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { MessageHeaders } from '@switchyard/contracts';

/** What to do with one message after the handler looked at it. */
export type Disposition =
  /** Done: the server forgets it for this consumer. */
  | { kind: 'ack' }
  /**
   * Failed for now (a broker down, a timeout): redeliver after `delayMs`, or after the
   * runner's backoff for this delivery count when `delayMs` is left out.
   */
  | { kind: 'nak'; delayMs?: number; reason: string }
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
  /** The consumer's `max_deliver`: the delivery that reaches it is the last chance. */
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
}

/** nats.js's jittered backoff: 250 ms, 500 ms, 1 s, … capped at 30 s. */
const defaultBackoff = backoff([250, 500, 1_000, 2_000, 5_000, 10_000, 30_000]);
const defaultRetryDelay = (deliveryCount: number) => defaultBackoff.backoff(deliveryCount - 1);

/**
 * ### A durable pull-consumer loop with explicit acknowledgements.
 *
 * Pull (not push) consumers let each instance ask for work at its own pace; several
 * instances of one service share one durable consumer and so share the work.
 * Every message ends in exactly one of:
 * - `ack` after the work is done (never before: a crash in between must redeliver),
 * - `nak(delay)` when it failed for a reason that may pass (backoff grows per delivery),
 * - dead-letter + `term` when it can never succeed, or when it has used its last
 *   delivery (`max_deliver`). The dead letter is written to a stream *before* the
 *   `term`, so a message is never dropped silently: the reason travels in its headers.
 */
export class PullConsumerRunner {
  private running = false;
  private loop: Promise<void> | undefined;
  private stopFetch: (() => void) | undefined;
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
    this.stopFetch?.();
    await this.loop;
  }

  get isRunning(): boolean {
    return this.running;
  }

  private async run(consumer: Consumer): Promise<void> {
    const { batchSize = 100, fetchExpiresMs = 1_000, logger } = this.options;
    while (this.running) {
      try {
        const iterator = await consumer.fetch({ max_messages: batchSize, expires: fetchExpiresMs });
        this.stopFetch = () => void iterator.stop();
        const batch: JsMsg[] = [];
        for await (const message of iterator) {
          batch.push(message);
        }
        if (batch.length > 0) await this.process(batch);
      } catch (error) {
        // Fetch fails while the server restarts or JetStream elects a leader: wait and
        // pull again. Messages already delivered and not acked come back after ack_wait.
        if (!this.running) break;
        logger.warn(
          `pull from ${this.options.stream}/${this.options.durable} failed: ${String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async process(batch: JsMsg[]): Promise<void> {
    const { handle, logger, ackWaitMs } = this.options;
    let dispositions: Disposition[];
    const stillWorking = setInterval(
      () => batch.forEach((message) => message.working()),
      ackWaitMs / 2,
    );
    try {
      dispositions = await handle(batch);
      if (dispositions.length !== batch.length) {
        throw new Error(
          `handler returned ${dispositions.length} dispositions for ${batch.length} messages`,
        );
      }
    } catch (error) {
      logger.warn(`batch of ${batch.length} failed, will be redelivered: ${String(error)}`);
      dispositions = batch.map((message) => ({
        kind: 'nak',
        delayMs: this.retryDelay(message.info.deliveryCount),
        reason: String(error),
      }));
    } finally {
      clearInterval(stillWorking);
    }
    for (const [index, message] of batch.entries()) {
      await this.settle(message, dispositions[index]!);
    }
  }

  private async settle(message: JsMsg, disposition: Disposition): Promise<void> {
    if (disposition.kind === 'ack') {
      message.ack();
      return;
    }
    const lastChance = message.info.deliveryCount >= this.options.maxDeliver;
    if (disposition.kind === 'nak' && !lastChance) {
      const delayMs = disposition.delayMs ?? this.retryDelay(message.info.deliveryCount);
      message.nak(delayMs);
      this.options.logger.warn(
        `retrying ${message.subject} (seq ${message.seq}) in ${delayMs} ms, delivery ${message.info.deliveryCount}/${this.options.maxDeliver}: ${disposition.reason}`,
      );
      return;
    }
    const reason =
      disposition.kind === 'nak'
        ? `gave up after ${message.info.deliveryCount} deliveries: ${disposition.reason}`
        : disposition.reason;
    try {
      await this.deadLetter(message, reason);
      message.term(reason);
    } catch (error) {
      // The dead-letter stream did not take it: leave the message where it is.
      this.options.logger.error(
        `dead-lettering failed, message will be redelivered: ${String(error)}`,
      );
      message.nak(this.retryDelay(message.info.deliveryCount));
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
