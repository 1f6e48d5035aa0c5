import { describeStreamChanges, destructiveChanges, diffStreamConfig } from './stream-config-diff';

const NANOS_PER_MS = 1_000_000;
const HOUR_NS = 3_600_000 * NANOS_PER_MS;

describe('diffStreamConfig', () => {
  it('given equal settings (subjects in another order), then there is nothing to change', () => {
    const current = { subjects: ['b.>', 'a.>'], max_bytes: 1024, discard: 'new' as const };
    const wanted = { subjects: ['a.>', 'b.>'], max_bytes: 1024, discard: 'new' as const };
    expect(diffStreamConfig(current, wanted)).toEqual({ changes: [], immutable: [] });
  });

  it('given other limits, then each changed field is listed with its old and new value', () => {
    const current = { max_age: HOUR_NS, max_bytes: -1, num_replicas: 1 };
    const wanted = { max_age: 0, max_bytes: 64 * 1024 * 1024, num_replicas: 3 };
    const { changes, immutable } = diffStreamConfig(current, wanted);
    expect(immutable).toEqual([]);
    expect(describeStreamChanges(changes)).toBe(
      'max_age: 1h → 0 (no limit), max_bytes: -1 (unbounded) → 64 MiB, num_replicas: 1 → 3',
    );
  });

  it('given another retention or storage, then they are what JetStream cannot change', () => {
    const current = { retention: 'workqueue' as const, storage: 'file' as const, max_msgs: 5 };
    const wanted = { retention: 'limits' as const, storage: 'memory' as const };
    const { changes, immutable } = diffStreamConfig(current, wanted);
    expect(changes).toEqual([]);
    expect(immutable.map(({ field }) => field)).toEqual(['retention', 'storage']);
  });

  it('compares only what is declared: settings JetStream or nats.js chose are left alone', () => {
    const current = { name: 'KV_X', allow_rollup_hdrs: true, max_bytes: 10 };
    expect(diffStreamConfig(current, { name: 'KV_X', max_bytes: 10 }).changes).toEqual([]);
  });
});

describe('destructiveChanges', () => {
  const lowerTo = (bytes: number) => [{ field: 'max_bytes' as const, from: -1, to: bytes }];

  it('given a max_bytes below what is stored, then that change would delete messages', () => {
    expect(destructiveChanges(lowerTo(4_096), 10_000)).toEqual(lowerTo(4_096));
  });

  it('given a max_bytes at or above what is stored, or other fields, then nothing is destructive', () => {
    expect(destructiveChanges(lowerTo(10_000), 10_000)).toEqual([]);
    expect(destructiveChanges([{ field: 'discard', from: 'old', to: 'new' }], 10_000)).toEqual([]);
  });
});
