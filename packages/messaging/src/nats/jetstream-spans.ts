import { context, SpanStatusCode } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import { MessageHeaders } from '@switchyard/contracts';
import { MessagingAttributes } from '../tracing/semconv';
import { endSpan, startConsumerSpan, type StartedSpan } from '../tracing/spans';
import { fromNatsHeaders } from './envelope-headers';
import type { Disposition } from './pull-consumer-runner';

export interface JetStreamSpanOptions {
  /** `messaging.consumer.group.name`; default: the consumer that delivered the message. */
  durable?: string;
  /** Subject with its variable parts named, e.g. `orders.events.{orderId}`. */
  subjectTemplate?: string;
}

/**
 * A `process` span for one JetStream message, child of the span that published it (its
 * `traceparent` header). The stream sequence and delivery count go on the span: a
 * redelivery shows up as a second `process` span of the same trace with a higher count.
 */
export function startJetStreamSpan(
  message: JsMsg,
  options: JetStreamSpanOptions = {},
): StartedSpan {
  const headers = fromNatsHeaders(message.headers);
  return startConsumerSpan(
    {
      system: 'nats',
      destination: message.subject,
      destinationTemplate: options.subjectTemplate,
      consumerGroup: options.durable ?? message.info.consumer,
      messageId: headers[MessageHeaders.eventId],
      attributes: {
        [MessagingAttributes.jetStreamStream]: message.info.stream,
        [MessagingAttributes.jetStreamSequence]: message.seq,
        [MessagingAttributes.jetStreamDeliveryCount]: message.info.deliveryCount,
      },
    },
    headers,
  );
}

/**
 * Ends a message's span with what became of it. A dead letter is an error; a nak is not
 * (it is often deliberate: "not due yet", "try again later"), it carries its reason.
 * A handler that throws ends its span as an error in `withJetStreamSpan`.
 */
export function endJetStreamSpan(span: StartedSpan['span'], disposition: Disposition): void {
  span.setAttribute(MessagingAttributes.disposition, disposition.kind);
  if (disposition.kind !== 'ack') {
    span.setAttribute(MessagingAttributes.dispositionReason, disposition.reason.slice(0, 500));
  }
  if (disposition.kind === 'dead-letter') {
    span.setStatus({ code: SpanStatusCode.ERROR, message: disposition.reason });
  }
  span.end();
}

/**
 * Runs a per-message handler inside the message's `process` span, so whatever it publishes
 * or requests (NATS headers, Kafka headers) continues the same trace.
 */
export async function withJetStreamSpan(
  message: JsMsg,
  options: JetStreamSpanOptions,
  handle: () => Promise<Disposition>,
): Promise<Disposition> {
  const started = startJetStreamSpan(message, options);
  let disposition: Disposition;
  try {
    disposition = await context.with(started.context, handle);
  } catch (error) {
    endSpan(started.span, error);
    throw error;
  }
  endJetStreamSpan(started.span, disposition);
  return disposition;
}
