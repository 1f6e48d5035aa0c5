import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { inMemoryTracing } from '../tracing/__tests__/in-memory-tracing';
import { injectTraceHeaders } from '../tracing/trace-context';
import { withRecordSpans } from './record-spans';
import type { ConsumedRecord } from './records';

/** A record whose headers carry the trace context of a span "in the bridge". */
function recordFrom(
  producer: ReturnType<ReturnType<typeof trace.getTracer>['startSpan']>,
  offset: string,
  key: string,
): ConsumedRecord {
  return {
    topic: 'orders.events',
    partition: 1,
    offset,
    key,
    value: Buffer.from('{}'),
    headers: injectTraceHeaders(
      { 'sy-correlation-id': `c-${key}` },
      trace.setSpan(ROOT_CONTEXT, producer),
    ),
    timestamp: '0',
  };
}

describe('one span per Kafka record around a batch handler', () => {
  const tracing = inMemoryTracing();
  afterAll(() => tracing.shutdown());
  beforeEach(() => tracing.reset());

  it('given a batch of two orders, then each record gets a span in its own order trace', async () => {
    const tracer = trace.getTracer('bridge');
    const first = tracer.startSpan('create (order 1)');
    const second = tracer.startSpan('create (order 2)');
    const records = [recordFrom(first, '41', 'o-1'), recordFrom(second, '42', 'o-2')];

    await withRecordSpans(records, { groupId: 'projector' }, async () => {
      // A batch of two belongs to no single trace: nothing is active in the handler.
      expect(trace.getActiveSpan()).toBeUndefined();
    });

    const spans = tracing.exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    expect(spans.map((span) => span.parentSpanContext?.spanId)).toEqual([
      first.spanContext().spanId,
      second.spanContext().spanId,
    ]);
    expect(spans.map((span) => span.spanContext().traceId)).toEqual([
      first.spanContext().traceId,
      second.spanContext().traceId,
    ]);
    expect(spans[0]).toMatchObject({
      name: 'process orders.events',
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.consumer.group.name': 'projector',
        'messaging.destination.partition.id': '1',
        'messaging.kafka.offset': 41,
        'messaging.kafka.message.key': 'o-1',
        'messaging.batch.message_count': 2,
      },
    });
  });

  it('given a batch of one, then the handler runs inside its record span', async () => {
    const producer = trace.getTracer('bridge').startSpan('create');
    const active = await withRecordSpans(
      [recordFrom(producer, '7', 'o-7')],
      { groupId: 'projector' },
      async () => trace.getActiveSpan()?.spanContext().traceId,
    );
    expect(active).toBe(producer.spanContext().traceId);
  });

  it('given a handler that fails, then every record span ends as an error and the batch fails', async () => {
    const producer = trace.getTracer('bridge').startSpan('create');
    const records = [recordFrom(producer, '1', 'o-1'), recordFrom(producer, '2', 'o-2')];
    await expect(
      withRecordSpans(records, { groupId: 'projector' }, async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    expect(tracing.exporter.getFinishedSpans().map((span) => span.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
    ]);
  });
});
