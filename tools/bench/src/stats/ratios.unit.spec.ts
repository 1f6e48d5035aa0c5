import { meets, ratio } from './ratios';

describe('ratio', () => {
  it('divides and checks an upper-bound target', () => {
    const r = ratio('p99', 1.1, 1.0, { op: '<=', limit: 1.2 });
    expect(r.value).toBeCloseTo(1.1);
    expect(r.met).toBe(true);
    expect(ratio('p99', 1.3, 1.0, { op: '<=', limit: 1.2 }).met).toBe(false);
  });

  it('checks a lower-bound target', () => {
    expect(ratio('throughput', 0.69, 1, { op: '>=', limit: 0.7 }).met).toBe(false);
    expect(ratio('throughput', 70, 100, { op: '>=', limit: 0.7 }).met).toBe(true);
  });

  it('has no verdict without a target', () => {
    expect(ratio('info', 1, 2).met).toBeUndefined();
  });

  it('never meets a target with a zero denominator', () => {
    const r = ratio('broken', 1, 0, { op: '<=', limit: 1.2 });
    expect(r.value).toBeNaN();
    expect(r.met).toBe(false);
    expect(meets(Number.POSITIVE_INFINITY, { op: '>=', limit: 0.7 })).toBe(false);
  });
});
