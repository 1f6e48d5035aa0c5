import { IncompleteHistoryError, sourceHistoryProblems } from './source-history';

const partitions = (...ranges: [low: number, high: number][]) =>
  ranges.map(([low, high], partition) => ({ partition, low: BigInt(low), high: BigInt(high) }));

describe('sourceHistoryProblems', () => {
  it('given every partition from offset 0 and the live checkpoints within the log, then none', () => {
    const live = new Map([
      [0, 10n],
      [1, 4n],
    ]);
    expect(sourceHistoryProblems(partitions([0, 10], [0, 7], [0, 0]), live)).toEqual([]);
  });

  it('given a partition whose log starts later, then it names the partition and the lost offsets', () => {
    expect(sourceHistoryProblems(partitions([0, 10], [5, 7]), new Map())).toEqual([
      'partition 1 starts at offset 5, not 0: records 0 to 4 were deleted (retention or kafka-delete-records)',
    ]);
  });

  it('given a live checkpoint beyond the end of the log, then the topic was recreated or truncated', () => {
    const live = new Map([
      [0, 12n],
      [1, 3n],
    ]);
    expect(sourceHistoryProblems(partitions([0, 0], [0, 3]), live)).toEqual([
      'partition 0 ends at offset 0, yet the live version read it up to offset 12: the topic was recreated or truncated since',
    ]);
  });

  it('given a live checkpoint on a partition the topic no longer has, then it was recreated', () => {
    expect(sourceHistoryProblems(partitions([0, 5]), new Map([[2, 9n]]))).toEqual([
      'partition 2 no longer exists, yet the live version read it up to offset 9: the topic was recreated',
    ]);
    // A partition the live version never read anything from is no evidence.
    expect(sourceHistoryProblems(partitions([0, 5]), new Map([[2, 0n]]))).toEqual([]);
  });

  it('says in one message what was refused and why', () => {
    const error = new IncompleteHistoryError('switchyard.orders.events', ['a', 'b']);
    expect(error.message).toBe(
      'source history incomplete, rebuild refused (the live version stays): switchyard.orders.events: a; b',
    );
  });
});
