import { consumerGroupLag, type ConsumerLagAdmin } from './consumer-lag';

function adminWith(
  watermarks: { partition: number; low: string; high: string }[],
  committed: { partition: number; offset: string }[],
): ConsumerLagAdmin {
  return {
    fetchTopicOffsets: async () => watermarks.map((w) => ({ ...w, offset: w.high })),
    fetchOffsets: async ({ topics }) =>
      (topics ?? []).map((topic) => ({
        topic,
        partitions: committed.map((c) => ({ ...c, metadata: null })),
      })),
  };
}

describe('consumerGroupLag', () => {
  it('subtracts the committed offset from the high watermark, per partition', async () => {
    const admin = adminWith(
      [
        { partition: 1, low: '0', high: '10' },
        { partition: 0, low: '0', high: '7' },
      ],
      [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '4' },
      ],
    );

    await expect(consumerGroupLag(admin, 'g', 'topic')).resolves.toEqual([
      { partition: 0, committedOffset: 7, endOffset: 7, lag: 0 },
      { partition: 1, committedOffset: 4, endOffset: 10, lag: 6 },
    ]);
  });

  it('counts a partition without a commit from its low watermark, not from zero', async () => {
    // Retention deleted offsets 0..99: a fresh group can only read 100..149.
    const admin = adminWith(
      [{ partition: 0, low: '100', high: '150' }],
      [{ partition: 0, offset: '-1' }],
    );

    await expect(consumerGroupLag(admin, 'g', 'topic')).resolves.toEqual([
      { partition: 0, committedOffset: null, endOffset: 150, lag: 50 },
    ]);
  });

  it('never reports a negative lag', async () => {
    const admin = adminWith(
      [{ partition: 0, low: '0', high: '5' }],
      [{ partition: 0, offset: '6' }],
    );

    const [partition] = await consumerGroupLag(admin, 'g', 'topic');

    expect(partition?.lag).toBe(0);
  });
});
