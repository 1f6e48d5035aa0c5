/** A Kafka record as our apps see it: no kafkajs types cross this boundary. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  /** Kafka offsets are 64-bit: kept as decimal strings, compared as bigint. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Record timestamp, epoch milliseconds as a string. */
  timestamp: string;
}

export interface ProducedRecord {
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
  /** Epoch milliseconds; the bridge sets it to the event's `occurredAt`. */
  timestamp?: number;
  /** Only to aim at one partition on purpose (a poison-record drill); normally the key decides. */
  partition?: number;
}

export function decodeHeaders(
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined,
): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) decoded[key] = last.toString();
  }
  return decoded;
}
