import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { MessagingAttributes, type MessagingOperationType, type MessagingSystem } from './semconv';
import {
  correlationIdOf,
  extractTraceContext,
  injectTraceHeaders,
  withCorrelationId,
} from './trace-context';

/** Spans of this package come from one tracer, named after it. */
function tracer() {
  return trace.getTracer('@switchyard/messaging');
}

export interface MessagingSpanOptions {
  system: MessagingSystem;
  /** The concrete subject or topic. */
  destination: string;
  /**
   * The destination with its variable parts named, e.g. `orders.events.{orderId}`: span
   * names must stay low-cardinality (one name per kind of work, not one per order).
   */
  destinationTemplate?: string;
  consumerGroup?: string;
  messageId?: string;
  attributes?: Attributes;
}

export interface ProducerSpanOptions extends MessagingSpanOptions {
  /**
   * `publish` (PRODUCER, fire and forget or JetStream PubAck), `request` (CLIENT,
   * request-reply), `create` (PRODUCER, one record of a batched send).
   */
  operation: 'publish' | 'request' | 'create';
}

export interface ConsumerSpanOptions extends MessagingSpanOptions {
  /** CONSUMER for a stream or topic consumer; SERVER for a request-reply handler. */
  kind?: SpanKind.CONSUMER | SpanKind.SERVER;
}

export interface StartedSpan {
  span: Span;
  /** The context with the span active (and, for consumers, the message's correlation id). */
  context: Context;
}

function attributesOf(
  options: MessagingSpanOptions,
  type: MessagingOperationType,
  name: string,
): Attributes {
  return {
    [MessagingAttributes.system]: options.system,
    [MessagingAttributes.operationType]: type,
    [MessagingAttributes.operationName]: name,
    [MessagingAttributes.destination]: options.destination,
    ...(options.destinationTemplate
      ? { [MessagingAttributes.destinationTemplate]: options.destinationTemplate }
      : {}),
    ...(options.consumerGroup
      ? { [MessagingAttributes.consumerGroup]: options.consumerGroup }
      : {}),
    ...(options.messageId ? { [MessagingAttributes.messageId]: options.messageId } : {}),
    ...options.attributes,
  };
}

function spanName(operation: string, options: MessagingSpanOptions): string {
  return `${operation} ${options.destinationTemplate ?? options.destination}`;
}

/** A producer-side span, child of `parent` (default: the active context). */
export function startProducerSpan(
  options: ProducerSpanOptions,
  parent: Context = context.active(),
): StartedSpan {
  const { operation } = options;
  const span = tracer().startSpan(
    spanName(operation, options),
    {
      kind: operation === 'request' ? SpanKind.CLIENT : SpanKind.PRODUCER,
      attributes: attributesOf(options, operation === 'create' ? 'create' : 'send', operation),
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/**
 * A consumer-side span whose parent is the trace context in the message's headers (a new
 * trace when there is none), with the message's correlation id bound for the logs.
 */
export function startConsumerSpan(
  options: ConsumerSpanOptions,
  headers: Record<string, string>,
): StartedSpan {
  const parent = extractTraceContext(headers);
  const span = tracer().startSpan(
    spanName('process', options),
    {
      kind: options.kind ?? SpanKind.CONSUMER,
      attributes: attributesOf(options, 'process', 'process'),
    },
    parent,
  );
  return {
    span,
    context: withCorrelationId(trace.setSpan(parent, span), correlationIdOf(headers)),
  };
}

/** A thrown value as text: an Error's message, or the JSON of a remote error object. */
function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? 'undefined';
  } catch {
    return 'unserializable error';
  }
}

/** Ends a span; with an error, marks it failed and records the exception first. */
export function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    span.recordException(error instanceof Error ? error : describe(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: describe(error) });
  }
  span.end();
}

/**
 * Runs `send` inside a producer span. `send` gets `headers` with this span's trace
 * context written in: the consumer's span becomes its child, in another process.
 */
export async function withProducerSpan<T>(
  options: ProducerSpanOptions,
  headers: Record<string, string>,
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const started = startProducerSpan(options);
  try {
    const result = await context.with(started.context, () =>
      send(injectTraceHeaders(headers, started.context)),
    );
    endSpan(started.span);
    return result;
  } catch (error) {
    endSpan(started.span, error);
    throw error;
  }
}

/** Runs `handle` inside a consumer span continuing the trace carried by `headers`. */
export async function withConsumerSpan<T>(
  options: ConsumerSpanOptions,
  headers: Record<string, string>,
  handle: () => Promise<T>,
): Promise<T> {
  const started = startConsumerSpan(options, headers);
  try {
    const result = await context.with(started.context, handle);
    endSpan(started.span);
    return result;
  } catch (error) {
    endSpan(started.span, error);
    throw error;
  }
}
