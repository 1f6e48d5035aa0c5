import type { IncomingMessage } from 'node:http';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { withCorrelationId } from '@switchyard/messaging';
import { requestCorrelationId } from './correlation';
import { traceLogFields } from './logging';

describe('log line fields', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => context.disable());

  it('given an active span and a message correlation id, then a line carries both', () => {
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    });
    const ctx = withCorrelationId(trace.setSpan(ROOT_CONTEXT, span), 'c-1');
    expect(context.with(ctx, traceLogFields)).toEqual({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      span_id: 'b7ad6b7169203331',
      correlationId: 'c-1',
    });
  });

  it('given nothing active (start-up, a timer), then a line gets no trace fields', () => {
    expect(traceLogFields()).toEqual({});
  });

  it('keeps a sane x-correlation-id, replaces a bad one and writes it back', () => {
    const good = { headers: { 'x-correlation-id': 'abc-1' } } as unknown as IncomingMessage;
    expect(requestCorrelationId(good)).toBe('abc-1');

    const bad = { headers: { 'x-correlation-id': 'has spaces' } } as unknown as IncomingMessage;
    const generated = requestCorrelationId(bad);
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    // Written back: the handler and the request's last log line see the same id.
    expect(bad.headers['x-correlation-id']).toBe(generated);
    expect(requestCorrelationId(bad)).toBe(generated);
  });
});
