import type { JsMsg } from '@nats-io/jetstream';
import { describeIssues, EnvelopeMetadataSchema, envelopeHeaders } from '@switchyard/contracts';
import type { ProducedRecord } from '@switchyard/messaging';

export const JETSTREAM_SOURCE_HEADER = 'sy-jetstream-source';

/**
 * A JetStream message → a Kafka record, or the reason it cannot become one.
 *
 * - key = the entity id (`aggregateId`): Kafka keeps one key's records in one partition,
 *   in order, so each order's events stay ordered on the backbone.
 * - value = the original bytes, untouched: the bridge forwards, it does not re-encode.
 * - headers = the envelope's ids, trace context and the JetStream position.
 * - timestamp = when the event happened, not when it was forwarded.
 */
export function toKafkaRecord(message: JsMsg): { record: ProducedRecord } | { reason: string } {
  let json: unknown;
  try {
    json = message.json();
  } catch {
    return { reason: 'payload is not JSON' };
  }
  const envelope = EnvelopeMetadataSchema.safeParse(json);
  if (!envelope.success) {
    return {
      reason: `not an event envelope: ${describeIssues(envelope.error).join('; ')}`,
    };
  }
  return {
    record: {
      key: envelope.data.aggregateId,
      value: Buffer.from(message.data),
      headers: {
        ...envelopeHeaders(envelope.data),
        [JETSTREAM_SOURCE_HEADER]: `${message.info.stream}:${message.seq}`,
      },
      timestamp: Date.parse(envelope.data.occurredAt),
    },
  };
}
