import { MessageHeaders } from '@switchyard/contracts';
import { readWholeTopic } from './topic-reader';

export interface KafkaOrderReport {
  /** Keys (orders) with at least one event on the topic. */
  orders: number;
  /** Records read (re-sends included). */
  records: number;
  /** Records whose event id was on the topic before (at-least-once: allowed). */
  resent: number;
  /** Orders whose events, first occurrences taken, are not in version order. */
  outOfOrder: number;
  problems: string[];
}

/**
 * ### Every order's events on Kafka in version order (duplicates allowed).
 *
 * An order's records share a key, hence a partition, so their offsets are the order a
 * reader sees them in. A re-sent batch (a crash between the Kafka ack and the JetStream
 * ack) puts events on the topic twice: a reader skips an event id it has seen (the
 * projector skips versions it has applied), so only the FIRST occurrence of each event
 * id counts, and those must carry aggregate versions 1, 2, … in offset order. A version
 * that arrives before its predecessor is a reorder: the projector would see
 * `OrderConfirmed` for an order it does not know yet.
 */
export async function checkKafkaOrder(
  brokers: string[],
  topic: string,
  /** Only these orders (record keys): a drill checks the orders placed during it. */
  keys?: ReadonlySet<string>,
): Promise<KafkaOrderReport> {
  const records = (await readWholeTopic(brokers, topic)).filter(
    (record) => !keys || (record.key !== null && keys.has(record.key)),
  );
  records.sort((a, b) =>
    a.partition !== b.partition
      ? a.partition - b.partition
      : Number(BigInt(a.offset) - BigInt(b.offset)),
  );
  const seen = new Set<string>();
  const lastVersion = new Map<string, number>();
  const reordered = new Set<string>();
  const problems: string[] = [];
  let resent = 0;
  for (const record of records) {
    const eventId = record.headers[MessageHeaders.eventId];
    if (!eventId || !record.key || !record.value) continue; // a designed poison record
    if (seen.has(eventId)) {
      resent++;
      continue;
    }
    seen.add(eventId);
    const { aggregateVersion } = JSON.parse(record.value.toString()) as {
      aggregateVersion: number;
    };
    const before = lastVersion.get(record.key) ?? 0;
    if (aggregateVersion !== before + 1) {
      if (!reordered.has(record.key) && problems.length < 20) {
        problems.push(
          `order ${record.key}: version ${aggregateVersion} after version ${before} (partition ${record.partition}, offset ${record.offset})`,
        );
      }
      reordered.add(record.key);
    }
    lastVersion.set(record.key, Math.max(before, aggregateVersion));
  }
  return {
    orders: lastVersion.size,
    records: records.length,
    resent,
    outOfOrder: reordered.size,
    problems,
  };
}
