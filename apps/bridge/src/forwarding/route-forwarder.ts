import type { JsMsg } from '@nats-io/jetstream';
import { MessageHeaders, type BridgeRoute } from '@switchyard/contracts';
import type { Disposition, EventProducer, ProducedRecord } from '@switchyard/messaging';
import { ForwardingSpans } from './forwarding-spans';
import { toKafkaRecord } from './to-kafka-record';

/** A batch reached the send after this instance lost the route's lease: it is not sent. */
export class NotTheLeaseHolderError extends Error {
  constructor(route: string) {
    super(`not the holder of route ${route}'s lease (any more): batch not sent`);
  }
}

/**
 * ### Forward a batch, then (and only then) let the runner ack it.
 *
 * The whole batch is produced in one request and awaited with `acks=all`. Only when
 * Kafka has acknowledged it do the messages get `ack` dispositions; if the send fails,
 * this throws and the runner naks the batch for redelivery. A crash between the Kafka
 * ack and the JetStream ack therefore sends the batch again: Kafka may hold an event
 * twice (at-least-once), and the projector dedupes by aggregate version.
 *
 * Only the instance holding the route's lease may send (ADR 0025): `mayForward` is asked
 * right before each send, and a batch in hand when the lease is lost is not sent but
 * given back (the runner naks it when it is stopped), so two instances never interleave
 * one order's events on Kafka.
 */
export class RouteForwarder {
  constructor(
    private readonly producer: EventProducer,
    private readonly route: BridgeRoute,
    /**
     * Whether this process exports traces. Without it every span is a no-op, and the
     * per-message spans cost the bridge ~6 µs of CPU per event for nothing (profiled;
     * ADR 0020): decoding each delivery's NATS headers to find its parent, starting two
     * spans, re-writing the record's headers. The record then carries the envelope's own
     * trace context (`envelopeHeaders`), which is the same one when no service traces.
     */
    private readonly tracing: boolean,
    /** Whether this instance still holds the route's lease, by its own clock. */
    private readonly mayForward: () => boolean = () => true,
  ) {}

  async forward(messages: JsMsg[]): Promise<Disposition[]> {
    const spans = this.tracing ? new ForwardingSpans(this.route, messages) : undefined;
    const records: ProducedRecord[] = [];
    const dispositions = messages.map((message, index): Disposition => {
      const result = toKafkaRecord(message);
      if ('reason' in result) return { kind: 'dead-letter', reason: result.reason };
      records.push(spans ? spans.traced(index, result.record) : result.record);
      return { kind: 'ack' };
    });
    // Checked last, right before the send: the lease is valid `marginMs` longer than it
    // takes a standby to be allowed to take it (see KvLease).
    if (!this.mayForward()) throw new NotTheLeaseHolderError(this.route.name);
    // The record's timestamp is when the event happened; when it crossed the bridge goes
    // in a header of its own (the journey's Kafka hop, ADR 0046).
    const forwardedAt = new Date().toISOString();
    for (const record of records) {
      record.headers = { ...record.headers, [MessageHeaders.forwardedAt]: forwardedAt };
    }
    try {
      await this.producer.send(this.route.topic, records);
    } catch (error) {
      spans?.fail(error);
      throw error;
    }
    spans?.end(dispositions);
    return dispositions;
  }
}
