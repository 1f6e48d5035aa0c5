import type { ConsumedRecord } from '@switchyard/messaging';

/**
 * One partition batch in the shape that crosses to a worker thread cheaply: every value
 * copied once into a single buffer that is *transferred* (moved, not cloned), plus the
 * small per-record fields. Cloning the records as they are would copy each value's
 * whole backing buffer (kafkajs hands out slices of its fetch response) or clone a
 * thousand small objects.
 *
 * Keys and headers do not travel (a worker's records have `key: null` and no headers): a
 * projection reads the value (the order id is in it), and a replay only counts its poison
 * records (the live projector dead-lettered them already). Not decoding them saves the
 * Kafka thread a string per record.
 */
export interface PackedBatch {
  topic: string;
  partition: number;
  offsets: string[];
  timestamps: string[];
  /** Every value back to back. */
  values: ArrayBuffer;
  /** Byte length of each value; -1 for a record without one. */
  lengths: Int32Array;
}

export function packBatch(records: ConsumedRecord[]): PackedBatch {
  const first = records[0];
  if (!first) throw new Error('cannot pack an empty batch');
  const lengths = new Int32Array(records.length);
  let total = 0;
  records.forEach((record, index) => {
    lengths[index] = record.value ? record.value.length : -1;
    total += record.value?.length ?? 0;
  });
  // Its own ArrayBuffer (not a slice of Node's shared pool), so it can be transferred.
  const values = new ArrayBuffer(total);
  const bytes = new Uint8Array(values);
  let at = 0;
  for (const record of records) {
    if (!record.value) continue;
    bytes.set(record.value, at);
    at += record.value.length;
  }
  return {
    topic: first.topic,
    partition: first.partition,
    offsets: records.map((record) => record.offset),
    timestamps: records.map((record) => record.timestamp),
    values,
    lengths,
  };
}

/** The buffers `postMessage` should move rather than copy. */
export function transferList(batch: PackedBatch): ArrayBuffer[] {
  return [batch.values, batch.lengths.buffer as ArrayBuffer];
}

export function unpackBatch(batch: PackedBatch): ConsumedRecord[] {
  const values = Buffer.from(batch.values);
  const records: ConsumedRecord[] = [];
  let at = 0;
  for (let index = 0; index < batch.offsets.length; index++) {
    const length = batch.lengths[index]!;
    records.push({
      topic: batch.topic,
      partition: batch.partition,
      offset: batch.offsets[index]!,
      key: null,
      value: length < 0 ? null : values.subarray(at, at + length),
      headers: {},
      timestamp: batch.timestamps[index]!,
    });
    if (length > 0) at += length;
  }
  return records;
}
