import type { LatencySummary } from '../stats/latency';

/**
 * ### The article's latency ladder, as figures to put ours beside.
 *
 * "NATS vs Kafka: A Decision Framework…" gives three rungs: core NATS under 1 ms at p99
 * when co-located; JetStream acknowledged publishes 2–5 ms above core at p99; Kafka
 * produce → consume rarely under 5–10 ms under load, even with linger.ms=0. They are
 * claims about clusters on a network; ours are measured on one machine, so each note says
 * why the two may differ.
 */
export const ARTICLE_LADDER = {
  core: { p99BelowMs: 1, text: 'core NATS: p99 < 1 ms co-located' },
  jetstream: { p99AboveCoreMs: [2, 5], text: 'JetStream: +2–5 ms p99 over core (acked publish)' },
  kafka: { p99Ms: [5, 10], text: 'Kafka: 5–10 ms produce → consume under load' },
} as const;

/** Why a single-machine figure differs from the article's: the same three reasons everywhere. */
export const LADDER_REASONS = {
  core: 'loopback, one server: no network hop, which is most of a co-located p99',
  jetstream:
    'one replica (R1): the ack waits for one local write, not a quorum of three servers over a network',
  kafka:
    'one broker, replication factor 1: acks=all waits for the leader alone; loopback; the figure is one producer at a fixed rate, not a loaded cluster',
} as const;

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

/** Our ladder next to the article's, one line per rung, plus the scheduler's own error. */
export function ladderNotes(m: {
  core: LatencySummary;
  jetstream: LatencySummary;
  kafka: LatencySummary;
  scheduler: LatencySummary;
}): string[] {
  const jsOverCore = m.jetstream.p99 - m.core.p99;
  return [
    `Article vs ours — ${ARTICLE_LADDER.core.text}; ours p99 ${fmt(m.core.p99)} (${LADDER_REASONS.core}).`,
    `Article vs ours — ${ARTICLE_LADDER.jetstream.text}; ours p99 ${fmt(m.jetstream.p99)}, ${jsOverCore >= 0 ? '+' : ''}${fmt(jsOverCore)} over core (${LADDER_REASONS.jetstream}).`,
    `Article vs ours — ${ARTICLE_LADDER.kafka.text}; ours p50 ${fmt(m.kafka.p50)}, p99 ${fmt(m.kafka.p99)} (${LADDER_REASONS.kafka}).`,
    `Every figure starts at the intended send instant; the precise sender's own scheduling error (actual − intended) was p50 ${fmt(m.scheduler.p50)}, p99 ${fmt(m.scheduler.p99)}, and is included in them.`,
    ...(m.scheduler.p99 > 1
      ? [
          `The sender itself was late by more than 1 ms at p99: this process did not get a CPU on time (a busy machine), so every rung above carries that contention too. Compare with the article on a quiet machine; the ratios between rungs, measured side by side, are less affected.`,
        ]
      : []),
  ];
}
