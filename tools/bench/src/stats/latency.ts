import * as hdr from 'hdr-histogram-js';

/** Latency percentiles of one run, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * An HDR histogram of latencies, recorded in microseconds (1 µs to 60 s, 3 significant
 * digits). HDR keeps every percentile accurate to 0.1 % in a fixed, small memory, where an
 * array of samples would grow with the run and a reservoir would lose the tail.
 *
 * The pure-JS build is used: the WebAssembly build must be awaited before the first
 * histogram and is faster than we need for a few hundred thousand values.
 */
export class LatencyRecorder {
  private readonly histogram = hdr.build({
    bitBucketSize: 'packed',
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1_000)));
  }

  /** The latency (ms) below which `percentile` % of the recorded values fall. */
  atPercentileMs(percentile: number): number {
    return this.histogram.getValueAtPercentile(percentile) / 1_000;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number) => us / 1_000;
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    };
  }
}

/** The median of numbers (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Summaries of several repetitions → one summary whose every field is the median of that
 * field. One slow repetition (a GC pause, a neighbour's burst on the shared brokers) then
 * moves the reported figure by at most one rank instead of dragging an average.
 */
export function medianSummary(runs: readonly LatencySummary[]): LatencySummary {
  const field = (key: keyof LatencySummary) => median(runs.map((run) => run[key]));
  return {
    count: field('count'),
    p50: field('p50'),
    p99: field('p99'),
    p999: field('p999'),
    max: field('max'),
    mean: field('mean'),
  };
}

/** Flattens a summary into named figures: `{ [prefix]P50Ms: …, … }`. */
export function latencyFigures(prefix: string, summary: LatencySummary): Record<string, number> {
  return {
    [`${prefix}P50Ms`]: summary.p50,
    [`${prefix}P99Ms`]: summary.p99,
    [`${prefix}P999Ms`]: summary.p999,
    [`${prefix}MaxMs`]: summary.max,
  };
}
