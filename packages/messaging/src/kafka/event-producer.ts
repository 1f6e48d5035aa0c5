import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { ProducedRecord } from './records';

/**
 * kafkajs answered a send as done while some of its partitions got no answer: their
 * records were never written. Retriable: sending the same records again writes them.
 */
export class UnacknowledgedPartitionsError extends Error {
  readonly retriable = true;

  constructor(topic: string, partitions: number[]) {
    super(
      `send to ${topic} resolved without an answer for partition(s) ${partitions.join(', ')}: their records were not written (leader moved mid-send); the batch must be sent again`,
    );
  }
}

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
 * - **Every partition answered, or the send fails.** kafkajs sends one request per leader
 *   broker and, on a retriable error, retries only the brokers that have not answered,
 *   re-grouping the partitions by their *new* leaders. A partition whose leadership moved
 *   (a broker stopping, or killed) to a broker that had already answered for its own
 *   partitions is then never sent, and `send` resolves as if it had been: its records
 *   are silently dropped (kafkajs 2.2.4 `producer/sendMessages.js`). Found by the Kafka
 *   rolling-restart drill: the bridge acked OrderPlaced events that never reached Kafka.
 *   So `send` notes the partition kafkajs chose for each record (its partitioner, wrapped)
 *   and throws `UnacknowledgedPartitionsError` when one of them is missing from the
 *   answer; the caller sends the batch again (the bridge does, in place), which writes
 *   the lost partition's records, and at worst writes the others twice (at-least-once).
 */
export class EventProducer {
  private readonly producer: Producer;
  /** The partition kafkajs chose for each message of a send in progress. */
  private readonly partitionOf = new WeakMap<Message, number>();

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // murmur2 on the key, like the Java client: a key lands in the same partition
      // whichever client produced it. Wrapped only to see where each record goes.
      createPartitioner: () => {
        const partitioner = Partitioners.DefaultPartitioner();
        return (args) => {
          const partition = partitioner(args);
          this.partitionOf.set(args.message, partition);
          return partition;
        };
      },
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
    const messages: Message[] = records.map((record) => ({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
      partition: record.partition,
    }));
    const answered = await this.producer.send({ topic, acks: -1, messages });
    const written = new Set(
      answered.filter((meta) => meta.topicName === topic).map((meta) => meta.partition),
    );
    const unanswered = new Set<number>();
    for (const message of messages) {
      const partition = message.partition ?? this.partitionOf.get(message);
      if (partition !== undefined && !written.has(partition)) unanswered.add(partition);
    }
    if (unanswered.size > 0) throw new UnacknowledgedPartitionsError(topic, [...unanswered]);
  }
}
