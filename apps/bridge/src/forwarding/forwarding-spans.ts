import type { JsMsg } from '@nats-io/jetstream';
import type { BridgeRoute } from '@switchyard/contracts';
import {
  endJetStreamSpan,
  endSpan,
  injectTraceHeaders,
  MessagingAttributes,
  startJetStreamSpan,
  startProducerSpan,
  type Disposition,
  type ProducedRecord,
  type StartedSpan,
} from '@switchyard/messaging';

/**
 * ### The bridge's spans: an order's trace crosses from NATS to Kafka here.
 *
 * Per message, `process <subject>` (CONSUMER): its parent is the orders service's
 * publish span, read from the JetStream message's `traceparent` header. Per record,
 * `create <topic>` (PRODUCER), child of that: its trace context *replaces* the
 * `traceparent` in the Kafka headers (the envelope's own copy, in the payload, stays as
 * the bytes were), so the projector's span becomes its child.
 *
 * A batch is one Kafka request, yet every span belongs to its own order's trace; all of
 * them end when Kafka has acknowledged (or refused) the batch: their duration is the
 * bridge's forwarding latency for that message.
 */
export class ForwardingSpans {
  private readonly consumed: StartedSpan[];
  private readonly created: StartedSpan[] = [];

  constructor(
    private readonly route: BridgeRoute,
    messages: JsMsg[],
  ) {
    this.consumed = messages.map((message) => startJetStreamSpan(message));
  }

  /** The record of message `index`, with its `create` span's trace context in its headers. */
  traced(index: number, record: ProducedRecord): ProducedRecord {
    const created = startProducerSpan(
      {
        system: 'kafka',
        operation: 'create',
        destination: this.route.topic,
        attributes: { [MessagingAttributes.kafkaKey]: record.key },
      },
      this.consumed[index]!.context,
    );
    this.created.push(created);
    return { ...record, headers: injectTraceHeaders(record.headers ?? {}, created.context) };
  }

  /** Kafka acknowledged the batch: each message's span ends with its disposition. */
  end(dispositions: Disposition[]): void {
    for (const { span } of this.created) endSpan(span);
    this.consumed.forEach(({ span }, index) => endJetStreamSpan(span, dispositions[index]!));
  }

  /** Kafka refused the batch: every span ends as an error (the runner naks the batch). */
  fail(error: unknown): void {
    for (const { span } of [...this.created, ...this.consumed]) endSpan(span, error);
  }
}
