import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  trace,
  isSpanContextValid,
  type Context,
} from '@opentelemetry/api';
import { MessageHeaders, TRACE_HEADERS } from '@switchyard/contracts';

/**
 * ### W3C trace context in and out of message headers: the only place that does it.
 *
 * NATS headers and Kafka headers are both string maps here (see `fromNatsHeaders` and
 * `decodeHeaders`), so one pair of functions serves both buses. They use the global
 * propagator, which `@switchyard/telemetry` sets to W3C Trace Context in every service,
 * even with export switched off: a service without an exporter still passes the caller's
 * `traceparent` on, so the next service that does export joins the same trace.
 */

const getter = {
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
  get: (carrier: Record<string, string>, key: string) => carrier[key.toLowerCase()] ?? carrier[key],
};

/**
 * `headers` with the trace context of `ctx` (default: the active one) written in. Without
 * a valid span in `ctx` the headers are returned as they came: an upstream `traceparent`
 * that was merely passed along is kept, never replaced by nothing.
 */
export function injectTraceHeaders(
  headers: Record<string, string>,
  ctx: Context = context.active(),
): Record<string, string> {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return { ...headers };
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const result = { ...headers };
  // A stale tracestate from upstream must not ride along with our traceparent.
  for (const name of TRACE_HEADERS) delete result[name];
  return { ...result, ...carrier };
}

/**
 * The remote parent carried by `headers`, on top of `base`. The base is the root context
 * by default, never the active one: a consumer loop's own context must not become the
 * parent of every message it pulls.
 */
export function extractTraceContext(
  headers: Record<string, string>,
  base: Context = ROOT_CONTEXT,
): Context {
  return propagation.extract(base, headers, getter);
}

/** Only the trace-context headers of `headers` (to put into an envelope's `headers`). */
export function traceHeadersOf(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    TRACE_HEADERS.flatMap((name) => (headers[name] ? [[name, headers[name]]] : [])),
  );
}

const CORRELATION_ID = createContextKey('switchyard.correlation-id');

/** `ctx` with the correlation id of the message being handled (logs read it back). */
export function withCorrelationId(ctx: Context, correlationId: string | undefined): Context {
  return correlationId ? ctx.setValue(CORRELATION_ID, correlationId) : ctx;
}

/** The correlation id of the message in hand, if the current code runs inside one. */
export function currentCorrelationId(ctx: Context = context.active()): string | undefined {
  const value = ctx.getValue(CORRELATION_ID);
  return typeof value === 'string' ? value : undefined;
}

/** The correlation-id header of a message, if it has one. */
export function correlationIdOf(headers: Record<string, string>): string | undefined {
  return headers[MessageHeaders.correlationId];
}
