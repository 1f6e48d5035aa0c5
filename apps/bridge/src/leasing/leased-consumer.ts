import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import {
  PullConsumerRunner,
  type PausableConsumer,
  type PullConsumerRunnerOptions,
} from '@switchyard/messaging';

/**
 * ### A durable the bridge forwards from only while it holds the route's lease.
 *
 * The runner exists only while this instance is the route's active forwarder: `activate`
 * starts it, `deactivate` stops it (the batch in hand finishes, or is given back when the
 * lease was lost before its send). The operator's pause outlives both: it is a property
 * of this instance's consumer, not of one runner, so a standby that takes the route over
 * while paused starts paused, and a pause on a standby simply answers "paused".
 */
export class LeasedConsumer implements PausableConsumer {
  private runner: PullConsumerRunner | undefined;
  private paused = false;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly options: PullConsumerRunnerOptions,
    private readonly logger: Logger,
  ) {}

  get name(): string {
    return this.options.durable;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isForwarding(): boolean {
    return this.runner?.isRunning ?? false;
  }

  async pause(): Promise<void> {
    this.paused = true;
    await this.runner?.pause();
  }

  resume(): void {
    this.paused = false;
    this.runner?.resume();
  }

  /** Starts forwarding; returns early, starting nothing, if `signal` aborts (lease lost). */
  async activate(signal: AbortSignal): Promise<void> {
    try {
      await this.letOrphansComeBackFirst(signal);
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    }
    if (signal.aborted || this.runner) return;
    const runner = new PullConsumerRunner(this.options);
    // Paused before the first pull: a paused route must not forward even one batch.
    if (this.paused) void runner.pause();
    await runner.start();
    this.runner = runner;
  }

  /** Stops forwarding: the batch in hand is finished (Kafka ack, then JetStream ack) or given back. */
  async deactivate(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }

  /** On shutdown (the consumer host): as `deactivate`. */
  stop(): Promise<void> {
    return this.deactivate();
  }

  /**
   * A holder killed mid-batch (kill -9, OOM) leaves that batch delivered and unacked.
   * JetStream redelivers it only after `ack_wait`, and serves newer messages to our first
   * pulls meanwhile: an order's OrderConfirmed could reach Kafka before its OrderPlaced
   * (found by the fault drills). So if deliveries are still outstanding when we start,
   * wait one `ack_wait` first: the orphans are then queued for redelivery ahead of
   * anything newer. This holds after a graceful handover too (the previous holder
   * released its lease on SIGTERM): stopping cuts its pull in progress short, and the
   * messages the server was sending in reply are stranded until `ack_wait` (found by the
   * SIGTERM bridge drill: skipping the wait after a release let an order's
   * OrderConfirmed reach Kafka before its OrderPlaced).
   */
  private async letOrphansComeBackFirst(signal: AbortSignal): Promise<void> {
    const { stream, durable } = this.options;
    const info = await this.jsm.consumers.info(stream, durable).catch(() => undefined);
    if (!info || info.num_ack_pending === 0) return;
    const waitMs = Math.ceil((info.config.ack_wait ?? 30e9) / 1e6) + 1_000;
    this.logger.log({
      msg: 'deliveries outstanding at start: letting them come back first',
      durable,
      outstanding: info.num_ack_pending,
      waitMs,
    });
    await sleep(waitMs, undefined, { signal });
  }
}
