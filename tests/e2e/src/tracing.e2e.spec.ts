import {
  PREDICTABLE_PAYMENTS,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { SpanKinds, startOtlpReceiver, type ReceivedSpan } from './tracing/otlp-receiver';

const KAFKA_KEY = 'messaging.kafka.message.key';
const KAFKA_OFFSET = 'messaging.kafka.offset';

/** The span's ancestors, nearest first, within one trace. */
function ancestry(span: ReceivedSpan, trace: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(trace.map((candidate) => [candidate.spanId, candidate]));
  const chain = [span];
  for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) {
    chain.push(parent);
  }
  return chain;
}

/** The services a chain of spans passes through, in order, each hop once. */
function hops(chain: ReceivedSpan[]): string[] {
  return chain
    .map((span) => span.service)
    .filter((service, index, all) => index === 0 || all[index - 1] !== service);
}

/**
 * ### Acceptance: one order → one trace, across both buses and every process.
 *
 * Every app runs as a real process with OTLP/HTTP pointed at a receiver inside this
 * test. One order placed over HTTP must produce spans in the gateway, orders (handler,
 * JetStream append, saga steps), inventory, payments, the bridge and the projector, all
 * with one trace id, and each span's parent must be a span of that same trace: the
 * trace context really crossed NATS headers and Kafka headers, process to process.
 */
describe('one order, one trace, across NATS and Kafka', () => {
  const suite = new TestNamespace('tr', PREDICTABLE_PAYMENTS, { natsAuth: true });
  const { namespace, names } = suite;
  let orders: ServiceProcess;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      // Export each batch of spans quickly (the default waits 5 s).
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    // Six processes start at once: on a busy 2-core runner that takes a while.
    const start = (app: string) =>
      suite.startOne({ app, env, label: `tracing-${app}`, timeoutMs: 60_000 });
    [orders] = await Promise.all([
      start('orders'),
      ...['inventory', 'payments', 'bridge', 'projector'].map(start),
    ]);
    gateway = await start('gateway');
  }, 150_000);

  afterAll(async () => {
    await suite.close();
    await receiver?.close();
  });

  it('links gateway, orders, inventory, payments, bridge and projector spans into one trace', async () => {
    const correlationId = `trace-${namespace}`;
    const placed = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },
      body: JSON.stringify({
        customerId: 'c-trace',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      }),
    });
    expect(placed.status).toBe(201);
    const { orderId } = (await placed.json()) as { orderId: string };

    // Done when the projector has handled both of the order's events (placed, confirmed).
    const projected = (span: ReceivedSpan) =>
      span.service === 'projector' && span.attributes[KAFKA_KEY] === orderId;
    const trace = await waitFor('the projector spans of both order events', () => {
      const spans = receiver.spans();
      const traceId = spans.find(projected)?.traceId;
      const inTrace = spans.filter((span) => span.traceId === traceId);
      return inTrace.filter(projected).length >= 2 ? inTrace : undefined;
    });
    const traceId = trace[0]!.traceId;

    // ### One trace: every span that names this order, in any process, is in it.
    const aboutTheOrder = receiver
      .spans()
      .filter(
        (span) =>
          span.attributes[KAFKA_KEY] === orderId ||
          String(span.attributes['messaging.destination.name']).endsWith(`.${orderId}`),
      );
    expect(aboutTheOrder.length).toBeGreaterThanOrEqual(6);
    expect(new Set(aboutTheOrder.map((span) => span.traceId))).toEqual(new Set([traceId]));
    expect(new Set(trace.map((span) => span.service))).toEqual(
      new Set(['gateway', 'orders', 'inventory', 'payments', 'bridge', 'projector']),
    );
    expect(new Set(trace.map((span) => span.namespace))).toEqual(new Set([namespace]));

    // ### Parent links: one root (the HTTP request), every other parent is in the trace.
    const roots = trace.filter((span) => span.parentSpanId === '');
    expect(roots).toEqual([
      expect.objectContaining({ service: 'gateway', kind: SpanKinds.server, name: 'POST /orders' }),
    ]);
    const spanIds = new Set(trace.map((span) => span.spanId));
    for (const span of trace.filter((candidate) => candidate !== roots[0])) {
      expect({ span: span.name, parentInTrace: spanIds.has(span.parentSpanId) }).toEqual({
        span: span.name,
        parentInTrace: true,
      });
    }

    // ### The read side's chain, hop by hop: OrderPlaced is the order's first record.
    const [placedRecord, confirmedRecord] = trace
      .filter(projected)
      .sort((a, b) => Number(a.attributes[KAFKA_OFFSET]) - Number(b.attributes[KAFKA_OFFSET]));
    const readChain = ancestry(placedRecord!, trace);
    expect(readChain.map(({ service, kind, name }) => ({ service, kind, name }))).toEqual([
      {
        service: 'projector',
        kind: SpanKinds.consumer,
        name: `process ${names.kafka.topics.orderEvents.name}`,
      },
      {
        service: 'bridge',
        kind: SpanKinds.producer,
        name: `create ${names.kafka.topics.orderEvents.name}`,
      },
      {
        service: 'bridge',
        kind: SpanKinds.consumer,
        name: `process ${names.nats.subjects.orderEvents(orderId)}`,
      },
      {
        service: 'orders',
        kind: SpanKinds.producer,
        name: `publish ${names.nats.subjects.orderEvents('{orderId}')}`,
      },
      {
        service: 'orders',
        kind: SpanKinds.server,
        name: `process ${names.nats.subjects.placeOrder}`,
      },
      {
        service: 'gateway',
        kind: SpanKinds.client,
        name: `request ${names.nats.subjects.placeOrder}`,
      },
      { service: 'gateway', kind: SpanKinds.server, name: 'POST /orders' },
    ]);
    expect(readChain[0]!.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.destination.name': names.kafka.topics.orderEvents.name,
      'messaging.consumer.group.name': names.kafka.groups.projector,
    });
    expect(readChain[2]!.attributes).toMatchObject({
      'messaging.system': 'nats',
      'messaging.destination.name': names.nats.subjects.orderEvents(orderId),
      'switchyard.disposition': 'ack',
    });

    // ### The saga's chain: the confirmation went through inventory and payments first.
    expect(hops(ancestry(confirmedRecord!, trace))).toEqual([
      'projector',
      'bridge',
      'orders', // saga: PaymentSucceeded → OrderConfirmed appended
      'payments', // the payment request, processed
      'orders', // saga: OrderPlaced → stock reserved → PaymentRequested
      'gateway',
    ]);
    // Each JetStream publish of the saga and of payments has a PRODUCER span of its own,
    // and the consumer on the other side is its child.
    const paymentProcessed = trace.find(
      (span) =>
        span.service === 'payments' &&
        span.kind === SpanKinds.consumer &&
        span.name.endsWith(names.nats.subjects.paymentRequested),
    );
    expect(ancestry(paymentProcessed!, trace)[1]).toMatchObject({
      service: 'orders',
      kind: SpanKinds.producer,
      name: `publish ${names.nats.subjects.paymentRequested}`,
    });
    const outcomePublished = trace.find(
      (span) =>
        span.service === 'payments' &&
        span.kind === SpanKinds.producer &&
        span.name === `publish ${names.nats.subjects.paymentEvents('{orderId}')}`,
    );
    expect(outcomePublished).toBeDefined();
    expect(
      trace.some(
        (span) =>
          span.service === 'orders' &&
          span.kind === SpanKinds.consumer &&
          span.parentSpanId === outcomePublished!.spanId,
      ),
    ).toBe(true);
    const reserve = trace.find(
      (span) =>
        span.service === 'inventory' && span.name === `process ${names.nats.subjects.reserveStock}`,
    );
    expect(reserve).toBeDefined();
    expect(ancestry(reserve!, trace)[1]).toMatchObject({
      service: 'orders',
      kind: SpanKinds.client,
      name: `request ${names.nats.subjects.reserveStock}`,
    });

    // ### Logs: the orders handler's line carries the trace and the caller's correlation id.
    const orderPlacedLine = orders
      .lines()
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // not a log line (a stack trace, a warning from a dependency)
        }
      })
      .find((line) => line.msg === 'order placed' && line.orderId === orderId);
    expect(orderPlacedLine).toMatchObject({ trace_id: traceId, correlationId });
    expect(spanIds.has(String(orderPlacedLine!.span_id))).toBe(true);
  });
});
