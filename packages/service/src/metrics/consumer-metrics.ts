import { Injectable } from '@nestjs/common';
import type { ConsumerObserver, SettleOutcome } from '@switchyard/messaging';
import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metrics-registry';

/**
 * Which consumer a series is about. Label values are names from contracts' topology:
 * a stream or topic and a durable or group, never a message subject (`orders.events.<id>`
 * would make one series per order).
 */
export interface ConsumerLabels {
  transport: 'jetstream' | 'kafka';
  /** The JetStream stream or the Kafka topic. */
  source: string;
  /** The JetStream durable or the Kafka group id. */
  consumer: string;
}

/** Seconds a batch handler may take: 1 ms (an ack) … 30 s (a rebuild batch, a slow Kafka ack). */
const HANDLER_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * ### The consumer series, fed by the runners through `ConsumerObserver`.
 *
 * `observer(labels)` returns the adapter a `PullConsumerRunner` or `BatchConsumer` is
 * given: it turns the runner's hooks into counter increments with fixed labels, bound
 * once (no label lookup per message).
 */
@Injectable()
export class ConsumerMetrics {
  private readonly received: Counter<keyof ConsumerLabels>;
  private readonly redelivered: Counter<keyof ConsumerLabels>;
  private readonly settled: Counter<keyof ConsumerLabels | 'outcome'>;
  private readonly deadLetters: Counter<keyof ConsumerLabels>;
  private readonly deadLetterFailures: Counter<keyof ConsumerLabels>;
  private readonly handlerSeconds: Histogram<keyof ConsumerLabels | 'outcome'>;

  constructor(registry: Registry) {
    const labelNames = ['transport', 'source', 'consumer'] as const;
    const registers = [registry];
    this.received = new Counter({
      name: `${METRIC_PREFIX}consumer_received_messages_total`,
      help: 'Messages a consumer received (fetched), redeliveries included.',
      labelNames,
      registers,
    });
    this.redelivered = new Counter({
      name: `${METRIC_PREFIX}consumer_redelivered_messages_total`,
      help: 'Received messages that had been delivered before (JetStream delivery count > 1; Kafka: re-read after a failed batch or a seek).',
      labelNames,
      registers,
    });
    this.settled = new Counter({
      name: `${METRIC_PREFIX}consumer_settled_messages_total`,
      help: 'Messages a consumer finished with, by outcome: ack (or Kafka commit), nak (retry later), dead_letter.',
      labelNames: [...labelNames, 'outcome'],
      registers,
    });
    this.deadLetters = new Counter({
      name: `${METRIC_PREFIX}consumer_dead_letters_total`,
      help: 'Messages a consumer moved to a dead-letter subject or topic.',
      labelNames,
      registers,
    });
    this.deadLetterFailures = new Counter({
      name: `${METRIC_PREFIX}consumer_dead_letter_failures_total`,
      help: 'Dead-letter writes that were refused; the runner holds the message and tries again (ADR 0021). Above zero: the dead-letter stream needs an operator.',
      labelNames,
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: `${METRIC_PREFIX}consumer_batch_duration_seconds`,
      help: 'Time a consumer spent in its handler per batch; outcome=error when the handler threw (the batch is retried).',
      labelNames: [...labelNames, 'outcome'],
      buckets: HANDLER_BUCKETS,
      registers,
    });
  }

  observer(labels: ConsumerLabels): ConsumerObserver {
    const received = this.received.labels(labels);
    const redelivered = this.redelivered.labels(labels);
    const deadLetters = this.deadLetters.labels(labels);
    const deadLetterFailures = this.deadLetterFailures.labels(labels);
    const settled: Record<SettleOutcome, Counter.Internal> = {
      ack: this.settled.labels({ ...labels, outcome: 'ack' }),
      nak: this.settled.labels({ ...labels, outcome: 'nak' }),
      dead_letter: this.settled.labels({ ...labels, outcome: 'dead_letter' }),
    };
    const handled = {
      ok: this.handlerSeconds.labels({ ...labels, outcome: 'ok' }),
      error: this.handlerSeconds.labels({ ...labels, outcome: 'error' }),
    };
    // Series exist from the start at 0, so rate() and "no dead letters yet" read right.
    for (const counter of [
      received,
      redelivered,
      deadLetters,
      deadLetterFailures,
      ...Object.values(settled),
    ]) {
      counter.inc(0);
    }
    return {
      received: (count, redeliveredCount) => {
        received.inc(count);
        if (redeliveredCount > 0) redelivered.inc(redeliveredCount);
      },
      handled: (seconds, failed) => (failed ? handled.error : handled.ok).observe(seconds),
      settled: (outcome, count) => {
        settled[outcome].inc(count);
        if (outcome === 'dead_letter') deadLetters.inc(count);
      },
      deadLetterFailed: (count) => deadLetterFailures.inc(count),
    };
  }
}
