import { ARTICLE_LADDER, LADDER_REASONS } from '@switchyard/bench';
import type { TransportResult } from './run-transport';
import { retentionMs, type Shape } from './shape';
import type { TrialResult } from './trial';

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '—');
const whole = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : '—');

/** A plain-text table, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The shape in one line, as the reader would say it. */
export function describeShape(shape: Shape): string {
  const load = shape.burst
    ? `bursts of ${shape.burst.size} every ${shape.burst.everyMs} ms`
    : `${shape.rate} msg/s steady`;
  const away =
    shape.disconnect.forMs === 0
      ? 'no subscriber leaves'
      : `subscriber 0 away for ${shape.disconnect.forMs} ms at ${Math.round(shape.disconnect.at * 100)} %`;
  return `${shape.size} B messages, ${load}, for ${shape.duration} s; fan-out ${shape.fanout} × ${shape.consumers} competing consumer(s); needs ${shape.delivery}, retention ${shape.retention}; ${away}`;
}

/**
 * The article's three dimensions, answered for this shape by what each transport did: the
 * loss counts answer delivery semantics, the stored-or-not answers retention, the way the
 * subscribers were built answers fan-out. Latency, throughput and CPU are what each answer
 * costs.
 */
export function dimensions(trial: TrialResult): string[] {
  const { shape, results } = trial;
  const wantsReplay = retentionMs(shape.retention) > 0;
  const lines: string[] = [];
  lines.push(`Delivery semantics (you need ${shape.delivery}):`);
  for (const r of results) {
    const lost = r.lost.reduce((a, b) => a + b, 0);
    const dup = r.duplicates.reduce((a, b) => a + b, 0);
    const meets =
      shape.delivery === 'at-most-once' || lost === 0
        ? 'meets it'
        : 'does NOT meet it: a subscriber that is away misses messages';
    lines.push(
      `  ${r.transport.padEnd(9)} ${r.delivery}: lost ${lost} (${r.sentWhileAway} sent while subscriber 0 was away), redelivered ${dup} → ${meets}`,
    );
  }
  lines.push(`Retention (you need ${shape.retention}):`);
  for (const r of results) {
    const meets =
      !wantsReplay || r.delivery === 'at-least-once'
        ? 'meets it'
        : 'does NOT meet it: nothing to replay';
    lines.push(`  ${r.transport.padEnd(9)} ${r.retention} → ${meets}`);
  }
  lines.push(`Fan-out (${shape.fanout} subscriber(s) × ${shape.consumers} competing consumer(s)):`);
  for (const r of results) lines.push(`  ${r.transport.padEnd(9)} ${r.fanout}`);
  return lines;
}

/** The latency ladder of the article beside this run's p99s, with the reasons they differ. */
export function ladder(results: readonly TransportResult[]): string[] {
  const p99 = (t: string) => results.find((r) => r.transport === t)?.latency.p99;
  const lines = [
    "The article's latency ladder, beside this run (p99 at the subscribers that stay):",
  ];
  const core = p99('core');
  if (core !== undefined)
    lines.push(`  ${ARTICLE_LADDER.core.text}; here ${ms(core)} ms (${LADDER_REASONS.core})`);
  const js = p99('jetstream');
  if (js !== undefined)
    lines.push(
      `  ${ARTICLE_LADDER.jetstream.text}; here ${ms(js)} ms${core !== undefined ? `, ${js - core >= 0 ? '+' : ''}${ms(js - core)} ms over core` : ''} (${LADDER_REASONS.jetstream})`,
    );
  const kafka = p99('kafka');
  if (kafka !== undefined)
    lines.push(`  ${ARTICLE_LADDER.kafka.text}; here ${ms(kafka)} ms (${LADDER_REASONS.kafka})`);
  return lines;
}

/** The whole comparison, as printed by `npm run trial`. */
export function renderComparison(trial: TrialResult, chart: string): string {
  const offered = trial.results[0] ? trial.results[0].sent / trial.shape.duration : 0;
  const rows = trial.results.map((r) => [
    r.transport,
    ms(r.latency.p50),
    ms(r.latency.p99),
    ms(r.latency.p999),
    whole(r.deliveredPerSec),
    `${r.lost.join('/')}`,
    r.returningLatency.count > 0 ? ms(r.returningLatency.max) : '—',
    `${whole(r.broker.cpuPercent)} % / ${whole(r.broker.rssMb)}`,
    `${whole(r.client.cpuPercent)} % / ${whole(r.client.rssMb)}`,
    `${ms(r.schedulingError.p50)} / ${ms(r.schedulingError.p99)}`,
  ]);
  const worstSchedulerP99 = Math.max(...trial.results.map((r) => r.schedulingError.p99));
  return [
    `Trial ${trial.namespace}: ${describeShape(trial.shape)}`,
    '',
    table(
      [
        'transport',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'delivered/s',
        'lost per subscriber',
        'returning max ms',
        'broker CPU / RSS MiB',
        'client CPU / RSS MiB',
        'send error p50/p99 ms',
      ],
      rows,
    ),
    '',
    `Latency: intended send → first copy at each subscriber that stays${trial.shape.fanout > 1 ? ' (subscribers 1…; subscriber 0 is timed apart)' : ''}, open loop, about ${whole(offered)} msg/s offered. returning max: the latest first copy at subscriber 0, the one taken away (its catch-up, or just its latest message when it lost the rest). delivered/s: distinct copies per second over the run, all subscribers. lost: per subscriber, messages it never received. CPU: % of one core over the run; the client's includes the precise sender's waiting (it yields instead of sleeping near each send). Core NATS and JetStream share one nats-server process.`,
    ...(worstSchedulerP99 > 1
      ? [
          `Note: the sender was late by ${ms(worstSchedulerP99)} ms at p99 (a busy machine); every latency above includes that.`,
        ]
      : []),
    '',
    chart,
    '',
    "What each result says about the article's three dimensions:",
    ...dimensions(trial),
    '',
    ...ladder(trial.results),
  ].join('\n');
}
