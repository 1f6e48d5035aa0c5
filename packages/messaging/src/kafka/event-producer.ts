import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { ProducedRecord } from './records';

/**
 * ### An idempotent producer: acks from every in-sync replica, no duplicates on retry.
 *
 * - `acks: -1` (all): a send resolves only when every in-sync replica has the records,
 *   so a broker crash after the ack cannot lose them. The bridge acks JetStream only
 *   after this promise resolves.
 * - `idempotent: true`: the broker dedupes the producer's own retries by sequence
 *   number. It does NOT dedupe across producer restarts: a bridge killed between the
 *   Kafka ack and the JetStream ack sends the event again, and consumers dedupe by
 *   aggregate version (at-least-once + idempotent consumers = effectively once).
 * - Retries are finite (kafkajs warns that this "may invalidate EoS"): a send that
 *   keeps failing should fail upward so the bridge naks and JetStream keeps the
 *   message, rather than hang while its ack_wait runs out.
 * - `maxInFlightRequests: 1`: kafkajs can reorder or drop concurrent sends on an
 *   idempotent producer (tulios/kafkajs#1005, #598), so one request at a time; batch
 *   records into one `send` for throughput instead.
 */
export class EventProducer {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, like the Java client: a key lands in the same partition
      // whichever client produced it.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Resolves when every record is acknowledged by all in-sync replicas. */
  async send(topic: string, records: ProducedRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.producer.send({
      topic,
      acks: -1,
      messages: records.map((record) => ({
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
        partition: record.partition,
      })),
    });
  }
}
