import { countStatuses, describeCounts, percentile } from './orders';

describe('order status counts', () => {
  it('given statuses and orders not projected yet, then both are counted', () => {
    const counts = countStatuses(
      new Map([
        ['a', 'CONFIRMED'],
        ['b', 'CONFIRMED'],
        ['c', undefined],
      ]),
    );
    expect(counts).toEqual({ CONFIRMED: 2, 'not projected': 1 });
    expect(describeCounts(counts)).toBe('2 CONFIRMED, 1 not projected');
  });
});

describe('percentile', () => {
  it('given ten latencies, then p50 is the fifth and p100 the largest', () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile([], 50)).toBe(0);
  });
});
