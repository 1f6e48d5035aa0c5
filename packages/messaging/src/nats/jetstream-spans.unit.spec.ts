import { ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import { inMemoryTracing } from '../tracing/__tests__/in-memory-tracing';
import { currentCorrelationId, injectTraceHeaders } from '../tracing/trace-context';
import { toNatsHeaders } from './envelope-headers';
import { withJetStreamSpan } from './jetstream-spans';

/** Just the parts of a JetStream message the span reads. */
function aMessage(headers: Record<string, string>, deliveryCount = 1): JsMsg {
  return {
    subject: 'orders.events.o-1',
    seq: 12,
    headers: toNatsHeaders(headers),
    info: { stream: 'ORDERS', consumer: 'BRIDGE_ORDERS', deliveryCount },
  } as unknown as JsMsg;
}

describe('a span per JetStream message', () => {
  const tracing = inMemoryTracing();
  afterAll(() => tracing.shutdown());
  beforeEach(() => tracing.reset());

  const published = () => {
    const span = trace.getTracer('orders').startSpan('publish');
    const headers = injectTraceHeaders(
      { 'sy-correlation-id': 'c-1', 'sy-event-id': 'e-1' },
      trace.setSpan(ROOT_CONTEXT, span),
    );
    return { span, headers };
  };

  it('given a published message, when handled, then the handler runs in a child of the publish span', async () => {
    const { span: publish, headers } = published();
    const seen = await withJetStreamSpan(aMessage(headers, 3), {}, async () => {
      expect(currentCorrelationId()).toBe('c-1');
      return { kind: 'ack' } as const;
    });
    expect(seen).toEqual({ kind: 'ack' });
    const [span] = tracing.exporter.getFinishedSpans();
    expect(span?.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(span).toMatchObject({
      name: 'process orders.events.o-1',
      attributes: {
        'messaging.system': 'nats',
        'messaging.consumer.group.name': 'BRIDGE_ORDERS',
        'messaging.message.id': 'e-1',
        'messaging.nats.jetstream.stream': 'ORDERS',
        'messaging.nats.jetstream.sequence': 12,
        'messaging.nats.jetstream.delivery_count': 3,
        'switchyard.disposition': 'ack',
      },
    });
  });

  it('given a dead letter, then the span is an error; given a nak, then it only carries the reason', async () => {
    const { headers } = published();
    await withJetStreamSpan(aMessage(headers), {}, async () => ({
      kind: 'dead-letter',
      reason: 'not an envelope',
    }));
    await withJetStreamSpan(aMessage(headers), {}, async () => ({
      kind: 'nak',
      reason: 'not due yet',
    }));
    const [deadLettered, naked] = tracing.exporter.getFinishedSpans();
    expect(deadLettered?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'not an envelope',
    });
    expect(naked?.status.code).toBe(SpanStatusCode.UNSET);
    expect(naked?.attributes['switchyard.disposition.reason']).toBe('not due yet');
  });
});
