import type { MeasurementResult } from '../measurement';
import { ratio } from '../stats/ratios';
import { ratioRows } from './chart';
import { formatNumber, markdownTable, renderMarkdown } from './markdown';
import type { BenchResults } from './results';

const measurement: MeasurementResult = {
  id: '1',
  title: 'Request-reply',
  oursLabel: 'NestJS',
  rawLabel: 'nats.js',
  ours: { fixedRateP99Ms: 1.3 },
  raw: { fixedRateP99Ms: 1.0 },
  ratios: {
    p99: ratio('NestJS p99 ÷ raw p99', 1.3, 1.0, { op: '<=', limit: 1.2 }),
    info: ratio('informational', 2, 1),
  },
  settings: { payloadBytes: 128 },
  notes: ['a note'],
};

const results: BenchResults = {
  generatedAt: '2026-11-26T00:00:00.000Z',
  profile: 'quick',
  command: 'npm run bench -- --quick',
  durationSeconds: 100,
  machine: { cpu: 'test cpu × 2', node: 'v20' },
  warnings: ['The machine was busy'],
  measurements: [measurement],
  failures: [{ id: '5', title: 'Bridge', error: 'broker down' }],
};

describe('formatNumber', () => {
  it('keeps three significant digits and groups thousands', () => {
    expect(formatNumber(0.12345)).toBe('0.123');
    expect(formatNumber(1.23456)).toBe('1.23');
    expect(formatNumber(12345.6)).toBe('12,346');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('markdownTable', () => {
  it('renders a header, a separator and escaped cells', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe(
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    );
  });
});

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(results, 'ratios.svg');

  it('lists the machine, every figure and the chart', () => {
    expect(markdown).toContain('| cpu | test cpu × 2 |');
    expect(markdown).toContain('| fixedRateP99Ms | 1.3 | 1 |');
    expect(markdown).toContain('![ratios](ratios.svg)');
  });

  it('puts targeted ratios in the targets table with their verdict', () => {
    expect(markdown).toContain('| 1 | NestJS p99 ÷ raw p99 | 1.3 | <= 1.2 | **not met** |');
  });

  it('links the method from where the report is written', () => {
    expect(markdown).toContain('[ADR 0009](../adr/0009-benchmark-method.md)');
    expect(renderMarkdown(results, 'ratios.svg', '../../adr/0009-benchmark-method.md')).toContain(
      '[ADR 0009](../../adr/0009-benchmark-method.md)',
    );
  });

  it('shows warnings about the run above the figures', () => {
    expect(markdown).toContain('> **Warning:** The machine was busy');
  });

  it('reports failed measurements instead of hiding them', () => {
    expect(markdown).toContain('| 5 | Bridge | broker down |');
  });
});

describe('ratioRows', () => {
  it('gives one chart bar per ratio, coloured by verdict', () => {
    expect(ratioRows([measurement])).toEqual([
      { ratio: '1. NestJS p99 ÷ raw p99', value: 1.3, verdict: 'target not met' },
      { ratio: '1. informational', value: 2, verdict: 'no target' },
    ]);
  });
});
