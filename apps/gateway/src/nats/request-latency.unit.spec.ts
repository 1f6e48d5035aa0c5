import { RequestLatency } from './request-latency';

describe('RequestLatency', () => {
  afterEach(() => jest.useRealTimers());

  it('given replies of 1..100 ms, when summarised, then p50 and p99 are those of the replies', () => {
    const latency = new RequestLatency();
    for (let ms = 1; ms <= 100; ms++) latency.record(ms);
    const summary = latency.summary();
    expect(summary.count).toBe(100);
    expect(summary.p50Ms).toBeCloseTo(50, 0);
    expect(summary.p99Ms).toBeCloseTo(99, 0);
    expect(summary.maxMs).toBeCloseTo(100, 0);
  });

  it('given no replies, when summarised, then the percentiles are null, not zero', () => {
    expect(new RequestLatency().summary()).toMatchObject({ count: 0, p50Ms: null, p99Ms: null });
  });

  it('given an old spike, when a whole window has passed, then it no longer counts', () => {
    jest.useFakeTimers({ now: 0 });
    const latency = new RequestLatency(); // LATENCY_WINDOW_MS defaults to 60 s
    latency.record(4_000);
    jest.setSystemTime(31_000); // half a window later: still inside the window
    latency.record(1);
    expect(latency.summary().maxMs).toBeCloseTo(4_000, -1);
    jest.setSystemTime(62_000); // the spike's half-window has now rotated out
    latency.record(1);
    expect(latency.summary()).toMatchObject({ count: 2, maxMs: 1 });
  });
});
