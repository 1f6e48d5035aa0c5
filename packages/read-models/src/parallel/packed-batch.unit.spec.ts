import type { ConsumedRecord } from '@switchyard/messaging';
import { packBatch, transferList, unpackBatch } from './packed-batch';

function record(offset: number, value: string | null): ConsumedRecord {
  return {
    topic: 'orders',
    partition: 2,
    offset: String(offset),
    key: value === null ? null : `key-${offset}`,
    // A slice of a bigger buffer, as kafkajs hands them out.
    value:
      value === null ? null : Buffer.from(`xx${value}yy`).subarray(2, 2 + Buffer.byteLength(value)),
    headers: { 'sy-event-id': 'dropped' },
    timestamp: String(1_000 + offset),
  };
}

describe('packBatch / unpackBatch', () => {
  it('given records with values, an empty value and a null value, when packed and unpacked, then each comes back without its key and headers', () => {
    const records = [record(7, '{"a":1}'), record(8, null), record(9, ''), record(10, 'é€')];

    const unpacked = unpackBatch(structuredClone(packBatch(records)));

    expect(unpacked).toEqual(records.map((one) => ({ ...one, key: null, headers: {} })));
    expect(unpacked[3]!.value!.toString('utf8')).toBe('é€');
  });

  it('given a batch, when packed, then its values travel in one buffer of exactly their bytes, transferable', () => {
    const packed = packBatch([record(1, 'abc'), record(2, 'de')]);

    expect(packed.values.byteLength).toBe(5);
    expect(transferList(packed)).toEqual([packed.values, packed.lengths.buffer]);
    expect(Array.from(packed.lengths)).toEqual([3, 2]);
  });

  it('refuses an empty batch', () => {
    expect(() => packBatch([])).toThrow('empty batch');
  });
});
