import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { inMemoryTracing } from './__tests__/in-memory-tracing';
import { withConsumerSpan, withProducerSpan } from './spans';
import { currentCorrelationId } from './trace-context';

/**
 * Publisher and consumer here talk only through a headers map, the way two processes
 * talk through NATS or Kafka headers.
 */
describe('messaging spans', () => {
  const tracing = inMemoryTracing();
  afterAll(() => tracing.shutdown());
  beforeEach(() => tracing.reset());

  it('given a publish, when the consumer handles it, then both spans share one trace and the consumer is the child', async () => {
    const onTheWire = await withProducerSpan(
      {
        system: 'nats',
        operation: 'publish',
        destination: 'orders.events.o-1',
        destinationTemplate: 'orders.events.{orderId}',
      },
      { 'sy-correlation-id': 'c-1' },
      async (headers) => headers,
    );

    const seenInHandler = await withConsumerSpan(
      { system: 'nats', destination: 'orders.events.o-1', consumerGroup: 'BRIDGE' },
      onTheWire,
      async () => ({
        correlationId: currentCorrelationId(),
        traceId: trace.getActiveSpan()?.spanContext().traceId,
      }),
    );

    const [producer, consumer] = tracing.exporter.getFinishedSpans();
    expect(producer).toMatchObject({
      name: 'publish orders.events.{orderId}',
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': 'orders.events.o-1',
      },
    });
    expect(consumer).toMatchObject({
      name: 'process orders.events.o-1',
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.operation.type': 'process',
        'messaging.consumer.group.name': 'BRIDGE',
      },
    });
    expect(consumer!.spanContext().traceId).toBe(producer!.spanContext().traceId);
    expect(consumer!.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
    expect(seenInHandler).toEqual({
      correlationId: 'c-1',
      traceId: producer!.spanContext().traceId,
    });
  });

  it('given a request, then the span is a CLIENT span', async () => {
    await withProducerSpan(
      { system: 'nats', operation: 'request', destination: 'orders.cmd.place' },
      {},
      async () => undefined,
    );
    expect(tracing.exporter.getFinishedSpans()[0]).toMatchObject({
      name: 'request orders.cmd.place',
      kind: SpanKind.CLIENT,
    });
  });

  it('given a handler that throws, then the span is ended as an error and the error goes on', async () => {
    await expect(
      withConsumerSpan({ system: 'kafka', destination: 'topic' }, {}, async () => {
        throw new Error('database down');
      }),
    ).rejects.toThrow('database down');
    const [span] = tracing.exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'database down' });
    expect(span?.events[0]?.name).toBe('exception');
  });

  it('given no trace context in the headers, then the consumer starts a new trace', async () => {
    await withConsumerSpan({ system: 'kafka', destination: 'topic' }, {}, async () => undefined);
    expect(tracing.exporter.getFinishedSpans()[0]?.parentSpanContext).toBeUndefined();
  });

  it('leaves the caller context as it was', async () => {
    const before = context.active();
    await withProducerSpan(
      { system: 'kafka', operation: 'create', destination: 'topic' },
      {},
      async () => undefined,
    );
    expect(context.active()).toBe(before);
  });
});
