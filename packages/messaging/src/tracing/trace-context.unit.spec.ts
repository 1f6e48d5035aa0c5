import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { inMemoryTracing } from './__tests__/in-memory-tracing';
import {
  currentCorrelationId,
  extractTraceContext,
  injectTraceHeaders,
  traceHeadersOf,
  withCorrelationId,
} from './trace-context';

const upstream = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('trace context in message headers', () => {
  const tracing = inMemoryTracing();
  afterAll(() => tracing.shutdown());

  it('given an active span, when injecting, then traceparent names that span', () => {
    const span = trace.getTracer('test').startSpan('publish');
    const headers = injectTraceHeaders(
      { 'sy-correlation-id': 'c-1' },
      trace.setSpan(ROOT_CONTEXT, span),
    );
    const { traceId, spanId } = span.spanContext();
    expect(headers).toEqual({
      'sy-correlation-id': 'c-1',
      traceparent: `00-${traceId}-${spanId}-01`,
    });
    span.end();
  });

  it('given an upstream traceparent, when injecting our span, then it replaces it and drops the old tracestate', () => {
    const span = trace.getTracer('test').startSpan('publish');
    const headers = injectTraceHeaders(
      { traceparent: upstream, tracestate: 'vendor=old' },
      trace.setSpan(ROOT_CONTEXT, span),
    );
    expect(headers.traceparent).toContain(span.spanContext().spanId);
    expect(headers.tracestate).toBeUndefined();
    span.end();
  });

  it('given no active span, when injecting, then a passed-along traceparent is kept as it was', () => {
    expect(injectTraceHeaders({ traceparent: upstream }, ROOT_CONTEXT)).toEqual({
      traceparent: upstream,
    });
  });

  it('given headers with a traceparent, when extracting, then the remote parent is that span', () => {
    const parent = trace.getSpanContext(extractTraceContext({ traceparent: upstream }));
    expect(parent).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isRemote: true,
    });
  });

  it('given a malformed traceparent, when extracting, then there is no parent (a new trace starts)', () => {
    expect(trace.getSpanContext(extractTraceContext({ traceparent: 'garbage' }))).toBeUndefined();
  });

  it('extracts on the root context, not on whatever span is active', () => {
    const loop = trace.getTracer('test').startSpan('consumer loop');
    const extracted = context.with(trace.setSpan(ROOT_CONTEXT, loop), () =>
      extractTraceContext({}),
    );
    expect(trace.getSpan(extracted)).toBeUndefined();
    loop.end();
  });

  it('keeps only the trace-context headers for an envelope', () => {
    expect(traceHeadersOf({ traceparent: upstream, 'sy-event-id': 'e-1' })).toEqual({
      traceparent: upstream,
    });
  });

  it('carries the correlation id in the context', () => {
    const ctx = withCorrelationId(ROOT_CONTEXT, 'c-42');
    expect(context.with(ctx, () => currentCorrelationId())).toBe('c-42');
    expect(currentCorrelationId(ROOT_CONTEXT)).toBeUndefined();
    expect(withCorrelationId(ROOT_CONTEXT, undefined)).toBe(ROOT_CONTEXT);
  });
});
