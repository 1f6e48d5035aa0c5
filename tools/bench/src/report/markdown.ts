import type { MeasurementResult } from '../measurement';
import type { Ratio } from '../stats/ratios';
import type { BenchResults } from './results';

/** A number for a table: 3 significant digits, thousands grouped, no exponent. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function markdownTable(header: string[], rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

export function targetCell(ratio: Ratio): string {
  if (!ratio.target) return '';
  return `${ratio.target.op} ${ratio.target.limit}`;
}

export function verdict(ratio: Ratio): string {
  if (ratio.met === undefined) return '';
  return ratio.met ? 'met' : '**not met**';
}

function measurementSection(result: MeasurementResult): string {
  const keys = [...new Set([...Object.keys(result.ours), ...Object.keys(result.raw)])];
  const figures = markdownTable(
    ['figure', 'ours', 'raw twin'],
    keys.map((key) => [key, formatNumber(result.ours[key]), formatNumber(result.raw[key])]),
  );
  const ratios = markdownTable(
    ['ratio', 'value', 'target', 'verdict'],
    Object.values(result.ratios).map((r) => [
      r.label,
      formatNumber(r.value),
      targetCell(r),
      verdict(r),
    ]),
  );
  const settings = Object.entries(result.settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
  return [
    `### ${result.id}. ${result.title}`,
    '',
    `- **ours**: ${result.oursLabel}`,
    `- **raw twin**: ${result.rawLabel}`,
    `- settings: ${settings}`,
    '',
    figures,
    '',
    ratios,
    ...(result.notes.length > 0 ? ['', ...result.notes.map((note) => `> ${note}`)] : []),
  ].join('\n');
}

/**
 * `docs/benchmarks/latest.md`: machine, settings, every figure, and each ratio against its
 * target. `methodLink`: ADR 0009 as seen from where the report is written (a report in
 * `docs/benchmarks/<name>/` is one folder deeper than `docs/benchmarks/latest.md`).
 */
export function renderMarkdown(
  results: BenchResults,
  chartFile: string,
  methodLink = '../adr/0009-benchmark-method.md',
): string {
  const targeted = results.measurements.flatMap((m) =>
    Object.values(m.ratios)
      .filter((r) => r.target)
      .map((r) => [m.id, r.label, formatNumber(r.value), targetCell(r), verdict(r)]),
  );
  return [
    '# Benchmarks: latest run',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\` (profile **${results.profile}**, ` +
      `${Math.round(results.durationSeconds)} s). Every figure below was measured in this one run, ` +
      'each path next to its raw-client twin; the method is in ' +
      `[ADR 0009](${methodLink}). Machine-readable: [\`bench-results.json\`](bench-results.json).`,
    '',
    ...(results.warnings ?? []).map((warning) => `> **Warning:** ${warning}\n`),
    '## Machine',
    '',
    markdownTable(
      ['', ''],
      Object.entries(results.machine).map(([key, value]) => [key, value]),
    ),
    '',
    '## Targets',
    '',
    markdownTable(['#', 'ratio', 'value', 'target', 'verdict'], targeted),
    '',
    `![ratios](${chartFile})`,
    '',
    ...(results.failures.length > 0
      ? [
          '## Failed measurements',
          '',
          markdownTable(
            ['#', 'title', 'error'],
            results.failures.map((f) => [f.id, f.title, f.error.replace(/\n/g, ' ')]),
          ),
          '',
        ]
      : []),
    '## Measurements',
    '',
    'Latencies in milliseconds (HDR histograms; p50, p99, p99.9, max), the median over the ' +
      'repetitions. "fixedRate" figures come from open-loop load measured from each intended send ' +
      'time; "sequential" ones from one request at a time.',
    '',
    results.measurements.map(measurementSection).join('\n\n'),
    '',
  ].join('\n');
}
