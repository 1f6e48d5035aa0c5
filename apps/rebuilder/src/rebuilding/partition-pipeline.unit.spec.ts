import type { ConsumedRecord } from '@switchyard/messaging';
import { PartitionPipeline } from './partition-pipeline';

const batch = (partition: number, ...offsets: number[]): ConsumedRecord[] =>
  offsets.map((offset) => ({
    topic: 't',
    partition,
    offset: String(offset),
    key: null,
    value: null,
    headers: {},
    timestamp: '0',
  }));

/** A write that finishes only when the test says so. */
function controlledWrites() {
  const started: {
    partition: number;
    first: string;
    finish: () => void;
    fail: (e: Error) => void;
  }[] = [];
  const write = (records: ConsumedRecord[]) =>
    new Promise<void>((resolve, reject) =>
      started.push({
        partition: records[0]!.partition,
        first: records[0]!.offset,
        finish: resolve,
        fail: reject,
      }),
    );
  return { started, write };
}

describe('PartitionPipeline', () => {
  it('given a write in flight, when the next batch of the same partition is pushed, then it waits for it (order kept)', async () => {
    const { started, write } = controlledWrites();
    const pipeline = new PartitionPipeline({ write });
    await pipeline.push(batch(0, 0, 1));
    const second = pipeline.push(batch(0, 2, 3));
    await Promise.resolve();
    expect(started.map((w) => w.first)).toEqual(['0']);
    started[0]!.finish();
    await second;
    expect(started.map((w) => w.first)).toEqual(['0', '2']);
    started[1]!.finish();
    await pipeline.drain();
  });

  it('given a write in flight on one partition, when another partition pushes, then it starts at once', async () => {
    const { started, write } = controlledWrites();
    const pipeline = new PartitionPipeline({ write });
    await pipeline.push(batch(0, 0));
    await pipeline.push(batch(1, 0));
    expect(started.map((w) => w.partition)).toEqual([0, 1]);
    started.forEach((w) => w.finish());
    await pipeline.drain();
  });

  it('given a write that fails once, when retried, then the same records are written again and the pipeline succeeds', async () => {
    const written: string[] = [];
    let failures = 1;
    const pipeline = new PartitionPipeline({
      write: async (records) => {
        if (failures-- > 0) throw new Error('connection reset');
        written.push(records.map((r) => r.offset).join(','));
      },
      retryDelayMs: () => 0,
    });
    await pipeline.push(batch(0, 5, 6));
    await pipeline.drain();
    expect(written).toEqual(['5,6']);
    expect(pipeline.failure).toBeUndefined();
  });

  it('given a write that keeps failing, when retries run out, then the pipeline fails and later batches are not written', async () => {
    const written: string[] = [];
    const pipeline = new PartitionPipeline({
      write: async (records) => {
        if (records[0]!.offset === '0') throw new Error('disk full');
        written.push(records[0]!.offset);
      },
      attempts: 2,
      retryDelayMs: () => 0,
    });
    await pipeline.push(batch(0, 0));
    await pipeline.push(batch(0, 1));
    await expect(pipeline.drain()).rejects.toThrow('disk full');
    expect(pipeline.failure?.message).toBe('disk full');
    expect(written).toEqual([]);
  });
});
