import { LatencyRecorder, latencyFigures, median, medianSummary } from './latency';

describe('LatencyRecorder', () => {
  it('summarises recorded milliseconds into p50, p99, p99.9 and max', () => {
    // Given 1,000 latencies of 1..1000 ms
    const recorder = new LatencyRecorder();
    for (let ms = 1; ms <= 1_000; ms++) recorder.recordMs(ms);
    // When summarised
    const summary = recorder.summary();
    // Then the percentiles are within HDR's 3 significant digits
    expect(summary.count).toBe(1_000);
    expect(summary.p50).toBeCloseTo(500, -1);
    expect(summary.p99).toBeCloseTo(990, -1);
    expect(summary.p999).toBeCloseTo(999, -1);
    expect(summary.max).toBeCloseTo(1_000, -1);
  });

  it('keeps sub-millisecond resolution (values are recorded in microseconds)', () => {
    const recorder = new LatencyRecorder();
    recorder.recordMs(0.25);
    expect(recorder.summary().p50).toBeCloseTo(0.25, 3);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('medianSummary', () => {
  it('takes the median of each field across repetitions, so one bad run does not drag the figure', () => {
    const run = (p99: number) => ({ count: 100, p50: 1, p99, p999: p99, max: p99, mean: 1 });
    expect(medianSummary([run(2), run(50), run(3)]).p99).toBe(3);
  });
});

describe('latencyFigures', () => {
  it('names figures with a prefix and the unit', () => {
    const figures = latencyFigures('fixedRate', {
      count: 1,
      p50: 1,
      p99: 2,
      p999: 3,
      max: 4,
      mean: 1,
    });
    expect(figures).toEqual({
      fixedRateP50Ms: 1,
      fixedRateP99Ms: 2,
      fixedRateP999Ms: 3,
      fixedRateMaxMs: 4,
    });
  });
});
