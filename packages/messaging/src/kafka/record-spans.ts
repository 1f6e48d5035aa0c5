import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { MessageHeaders } from '@switchyard/contracts';
import { MessagingAttributes } from '../tracing/semconv';
import { endSpan, startConsumerSpan } from '../tracing/spans';
import type { ConsumedRecord } from './records';

export interface RecordSpanOptions {
  /** The consumer group (`messaging.consumer.group.name`). */
  groupId: string;
}

/**
 * ### One `process` span per Kafka record, around a handler that takes the whole batch.
 *
 * A batch is handled at once (one database transaction), yet each record belongs to the
 * trace of the order it carries: so every record gets its own span, child of the
 * producer span in its `traceparent` header, all ending when the batch is done (with the
 * batch's error, if it failed). A batch of one runs inside its record's span, so the
 * handler's logs carry that trace id; a larger batch belongs to no single trace.
 */
export async function withRecordSpans<T>(
  records: ConsumedRecord[],
  options: RecordSpanOptions,
  handle: () => Promise<T>,
): Promise<T> {
  const started = records.map((record) =>
    startConsumerSpan(
      {
        system: 'kafka',
        destination: record.topic,
        consumerGroup: options.groupId,
        messageId: record.headers[MessageHeaders.eventId],
        attributes: {
          [MessagingAttributes.partition]: String(record.partition),
          [MessagingAttributes.kafkaOffset]: Number(record.offset),
          [MessagingAttributes.batchCount]: records.length,
          ...(record.key === null ? {} : { [MessagingAttributes.kafkaKey]: record.key }),
        },
      },
      record.headers,
    ),
  );
  const active = started.length === 1 ? started[0]!.context : ROOT_CONTEXT;
  try {
    const result = await context.with(active, handle);
    for (const { span } of started) endSpan(span);
    return result;
  } catch (error) {
    for (const { span } of started) endSpan(span, error);
    throw error;
  }
}
