import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type {
  JetStreamConsumerRef,
  StreamDefinition,
  SubscriptionDefinition,
} from '@switchyard/contracts';
import {
  declareDurable,
  ensureStream,
  PullConsumerRunner,
  withJetStreamSpan,
  type Disposition,
  type PausableConsumer,
  type PullConsumerRunnerOptions,
} from '@switchyard/messaging';
import { CONSUMER_CONTROL_OPTIONS, ConsumerRegistry } from './consumer-registry';
import type { ConsumerControlOptions } from './consumer-registry';
import { holdThroughOutage } from './outage-hold';
import { ConsumerMonitor } from '../metrics/consumer-monitor';
import { JETSTREAM, JETSTREAM_MANAGER } from '../nats.module';

/** The message type a subscription's channel decodes to. */
export type MessageOf<S> = S extends SubscriptionDefinition<infer M> ? M : never;

/**
 * The handlers of one subscription, keyed like its `handles` in the catalog: a key the
 * catalog does not route to it, or a routed event without a handler, does not compile.
 * A handler that returns nothing acks; one that throws naks (retried with backoff), except
 * for an outage (`isOutage`), which is first waited out with the message in hand.
 */
export type EventHandlers<S extends SubscriptionDefinition> = {
  [K in keyof S['handles'] & string]: (
    event: Extract<MessageOf<S>, { type: K }>,
    message: JsMsg,
  ) => Promise<Disposition | void>;
};

/** How one durable runs: the deployment's numbers, from config. */
export interface DurableSettings {
  /** Deliveries before a dead letter (the runner's policy; the server's is above it). */
  maxDeliver: number;
  ackWaitMs: number;
  batchSize: number;
  maxAckPending?: number;
  /** `parallel`: each message of a batch on its own; `serial`: one after the other. */
  concurrency?: 'parallel' | 'serial';
  /** How long a message is held through an outage before it is nak'ed (`OUTAGE_HOLD_MS`). */
  outageHoldMs?: number;
}

/** A started consumer as the host keeps it: pausable, stoppable. */
export interface HostedRunner extends PausableConsumer {
  stop(): Promise<void>;
}

/** For consumers that handle raw batches (the bridge forwards bytes, it decodes nothing). */
export interface BatchSettings extends Omit<DurableSettings, 'concurrency'> {
  handle(messages: JsMsg[]): Promise<Disposition[]>;
  preserveOrder?: boolean;
  prefetch?: boolean;
  /** Who runs the runner: started at once when left out (the bridge: its route lease). */
  run?: (options: PullConsumerRunnerOptions) => Promise<HostedRunner>;
}

/**
 * ### One way to host a JetStream consumer: declare, start, register, stop.
 *
 * Every JetStream consumer of every app runs through here:
 * 1. `ensureStreams`: the streams it reads and writes (dead letters, redrives) exist with
 *    their declared limits, so any service can start first;
 * 2. the durable is declared with the runner's `ack_wait` and a server-side
 *    `max_deliver` above the runner's (ADR 0021), then its runner starts; the consumer's
 *    redrive twin (`redrive.<source>`, same handler, same dead letters) the same way;
 * 3. each runner is registered for pause / resume (ADR 0016) and observed (metrics,
 *    readiness);
 * 4. on shutdown each finishes the batch in hand, then stops.
 * The subscription must be one the catalog gives this app (`ConsumerControlModule`'s
 * `service`): a consumer for a message routed elsewhere refuses to start.
 */
@Injectable()
export class JetStreamConsumerHost implements OnApplicationShutdown {
  private readonly logger = new Logger(JetStreamConsumerHost.name);
  private readonly runners: HostedRunner[] = [];
  /** Aborted at shutdown: messages held through an outage are let go at once. */
  private readonly closing = new AbortController();

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(JETSTREAM_MANAGER) private readonly jsm: JetStreamManager,
    @Inject(CONSUMER_CONTROL_OPTIONS) private readonly options: ConsumerControlOptions,
    private readonly control: ConsumerRegistry,
    private readonly monitor: ConsumerMonitor,
  ) {}

  async ensureStreams(streams: readonly StreamDefinition[], replicas: number): Promise<void> {
    for (const stream of streams)
      await ensureStream(this.jsm, stream, { replicas, logger: this.logger });
  }

  /** Decodes each message with its channel, dispatches it by type, settles it. */
  async consume<S extends SubscriptionDefinition>(
    subscription: S,
    handlers: EventHandlers<S>,
    settings: DurableSettings,
  ): Promise<void> {
    const consumer = this.jetStreamConsumerOf(subscription);
    const dispatch = dispatcher(subscription, handlers);
    const one = (message: JsMsg, durable: string) =>
      // One `process` span per message, in the trace of whoever published it.
      withJetStreamSpan(message, { durable }, () =>
        // A broker or service briefly unavailable is waited out, not charged to the message.
        holdThroughOutage(() => dispatch(message), {
          holdMs: settings.outageHoldMs,
          stopping: this.closing.signal,
          onRetry: (error, retry) => {
            if (retry === 0)
              this.logger.warn(
                `${durable}: ${message.subject} (seq ${message.seq}) waits out an outage: ${String(error)}`,
              );
          },
        }),
      ).catch((error: unknown): Disposition => ({ kind: 'nak', reason: String(error) }));
    await this.start(consumer, (durable) => ({
      ...settings,
      handle: async (messages) => {
        // Parallel: one message's failure must not hold back the others.
        if (settings.concurrency !== 'serial')
          return Promise.all(messages.map((message) => one(message, durable)));
        const dispositions: Disposition[] = [];
        for (const message of messages) dispositions.push(await one(message, durable));
        return dispositions;
      },
    }));
  }

  /** Hosts a consumer that handles raw batches; returns its runners (the twin second). */
  async consumeBatches(
    subscription: SubscriptionDefinition,
    settings: BatchSettings,
  ): Promise<HostedRunner[]> {
    return this.start(this.jetStreamConsumerOf(subscription), () => settings);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing.abort();
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  private jetStreamConsumerOf(subscription: SubscriptionDefinition): JetStreamConsumerRef {
    if (subscription.app !== this.options.service)
      throw new Error(
        `the catalog routes this subscription to ${subscription.app}, not ${this.options.service}`,
      );
    if (subscription.consumer.kind !== 'jetstream')
      throw new Error(`not a JetStream subscription: ${subscription.consumer.kind}`);
    return subscription.consumer;
  }

  private async start(
    consumer: JetStreamConsumerRef,
    settingsFor: (durable: string) => BatchSettings,
  ): Promise<HostedRunner[]> {
    const durables = [consumer, ...(consumer.redrive ? [consumer.redrive] : [])];
    const started: HostedRunner[] = [];
    for (const { stream, durable, filterSubject } of durables) {
      const { run, maxAckPending, ...runnerSettings } = settingsFor(durable);
      await declareDurable(this.jsm, {
        stream,
        durable,
        filterSubject,
        maxDeliver: runnerSettings.maxDeliver,
        ackWaitMs: runnerSettings.ackWaitMs,
        maxAckPending,
      });
      const options: PullConsumerRunnerOptions = {
        ...runnerSettings,
        js: this.js,
        stream,
        durable,
        // The twin dead-letters where the consumer does: one place to redrive from.
        deadLetterSubject: consumer.deadLetterSubject,
        logger: this.logger,
        observer: this.monitor.jetStream(this.jsm, stream, durable),
      };
      const runner = run ? await run(options) : await startRunner(options);
      this.control.register(runner);
      this.runners.push(runner);
      started.push(runner);
    }
    return started;
  }
}

async function startRunner(options: PullConsumerRunnerOptions): Promise<HostedRunner> {
  const runner = new PullConsumerRunner(options);
  await runner.start();
  return runner;
}

/**
 * Message → JSON → the channel's decoder (upcasting old versions) → the handler for its
 * type. Unreadable: a dead letter with the reason (it can never succeed). A type this
 * subscription does not handle (the saga reads every order event, acts on OrderPlaced):
 * acked, it belongs to other readers of the channel.
 */
function dispatcher<S extends SubscriptionDefinition>(
  subscription: S,
  handlers: EventHandlers<S>,
): (message: JsMsg) => Promise<Disposition> {
  const byType = handlers as Record<
    string,
    (event: unknown, message: JsMsg) => Promise<Disposition | void>
  >;
  return async (message) => {
    let raw: unknown;
    try {
      raw = message.json();
    } catch {
      return { kind: 'dead-letter', reason: 'payload is not JSON' };
    }
    const decoded = subscription.channel.decode(raw);
    if (!decoded.ok) return { kind: 'dead-letter', reason: decoded.reason };
    const type = (decoded.message as { type: string }).type;
    const handler = Object.hasOwn(byType, type) ? byType[type] : undefined;
    if (!handler) return { kind: 'ack' };
    return (await handler(decoded.message, message)) ?? { kind: 'ack' };
  };
}
