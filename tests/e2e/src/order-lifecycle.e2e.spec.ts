import { request as httpRequest } from 'node:http';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MessageHeaders, type GetStockReply } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  nestRequest,
  PREDICTABLE_PAYMENTS,
  readTopicUntil,
  runScript,
  testEnv,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Client } from 'pg';

/** What the server answered: status, content type, body text. */
interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * POST whose headers declare `declaredBytes` of body, and which sends none of it: a server
 * that refuses a body by its declared length (413) answers from the headers alone. Sending
 * the 2 MB anyway would race the server closing the socket (the client may lose the answer
 * to a connection reset), so it is not sent; the wait for the answer is bounded, and a
 * server that waits for the body instead of refusing it fails the test by name.
 */
function postHeadersOnly(url: string, declaredBytes: number, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': declaredBytes },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(
        new Error(`no answer within ${timeoutMs} ms to headers declaring ${declaredBytes} bytes`),
      );
    }, timeoutMs);
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        clearTimeout(timer);
        // The body was never sent: this request cannot be reused, drop its socket.
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type']),
          body: text,
        });
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.flushHeaders();
  });
}

/**
 * The whole spine, every app a real process: HTTP → gateway → NATS → orders →
 * JetStream → bridge → Kafka → projector → Postgres → NATS → gateway → HTTP, then a
 * rebuild from offset zero.
 */
describe('an order, end to end', () => {
  // The simulated payment processor never declines or fails here, except for test cards.
  const suite = new TestNamespace('e', PREDICTABLE_PAYMENTS, { natsAuth: true });
  const { namespace, names, env } = suite;
  let gateway: ServiceProcess;

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  let nc: NatsConnection;

  const waitForStatus = (orderId: string, status: string) =>
    waitFor(`order ${orderId} to be ${status}`, async () => {
      const response = await fetch(`${gateway.url}/orders/${orderId}`);
      if (response.status !== 200) return undefined;
      const view = (await response.json()) as Record<string, unknown>;
      return view.status === status ? view : undefined;
    });
  const availableStock = async (sku: string) => {
    const reply = await nestRequest<GetStockReply>(nc, names.nats.subjects.getStock, { sku });
    return reply.response?.found ? reply.response.available : undefined;
  };

  beforeAll(async () => {
    nc = await connectNats({ settings: await suite.natsSettings(), name: 'e2e-lifecycle' });
    await suite.start('orders', 'inventory', 'payments', 'bridge', 'projector');
    [gateway] = await suite.start('gateway');
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  it('places an order over HTTP, projects it, carries it on Kafka, and rebuilds an identical read model', async () => {
    const order = {
      customerId: 'c-42',
      region: 'eu-west',
      items: [
        { sku: 'SKU-1', quantity: 2 },
        { sku: 'SKU-2', quantity: 1 },
      ],
    };
    // A caller's trace context and correlation id travel with the order, across both buses.
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const correlationId = `e2e-${namespace}`;
    const placed = await post(JSON.stringify(order), {
      traceparent,
      'x-correlation-id': correlationId,
    });
    expect(placed.status).toBe(201);
    const { orderId, status } = (await placed.json()) as { orderId: string; status: string };
    expect(status).toBe('PLACED');
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);

    // The read side is eventually consistent, and the saga (stock → payment) takes a
    // moment more: poll until the projection shows the order confirmed.
    const view = await waitForStatus(orderId, 'CONFIRMED');
    expect(view).toMatchObject({
      orderId,
      customerId: 'c-42',
      region: 'eu-west',
      items: order.items,
      status: 'CONFIRMED',
      // OrderPlaced (1), OrderConfirmed (2).
      version: 2,
    });

    // On Kafka: keyed by order id, with the event id in a header matching the payload.
    const records = await readTopicUntil(names.kafka.topics.orderEvents.name, (seen) =>
      seen.some((r) => r.key === orderId),
    );
    const record = records.find((r) => r.key === orderId)!;
    const payload = JSON.parse(record.value!.toString()) as { eventId: string; type: string };
    expect(payload.type).toBe('OrderPlaced');
    expect(record.headers[MessageHeaders.eventId]).toBe(payload.eventId);
    expect(record.headers[MessageHeaders.eventType]).toBe('OrderPlaced');
    expect(record.headers[MessageHeaders.traceparent]).toBe(traceparent);
    expect(record.headers[MessageHeaders.correlationId]).toBe(correlationId);
    // The Kafka record time is when the order was placed, not when it was forwarded.
    expect(new Date(Number(record.timestamp)).toISOString()).toBe(
      record.headers[MessageHeaders.occurredAt],
    );

    // Rebuild from offset zero into a new version and swap it in.
    const rebuild = await runScript('apps/rebuilder/dist/main.js', ['orders'], {
      ...env,
      ...(await suite.natsEnvOf('rebuilder')),
    });
    expect(rebuild.code).toBe(0);
    expect(rebuild.output).toContain('rebuild complete');

    const pg = new Client({ connectionString: testEnv.DATABASE_URL });
    await pg.connect();
    try {
      const { rows } = await pg.query<{ active_version: number; previous_version: number }>(
        `SELECT active_version, previous_version FROM "${names.postgres.schema}".projections WHERE name = 'orders'`,
      );
      const { active_version: active, previous_version: previous } = rows[0]!;
      expect(active).toBe(previous + 1);
      const digest = async (version: number) =>
        (
          await pg.query<{ digest: string; count: string }>(
            `SELECT count(*) AS count, md5(string_agg(to_jsonb(t)::text, ',' ORDER BY order_id)) AS digest
             FROM "${names.postgres.schema}"."orders_v${version}" t`,
          )
        ).rows[0]!;
      const [rebuilt, live] = [await digest(active), await digest(previous)];
      expect(Number(rebuilt.count)).toBeGreaterThanOrEqual(1);
      expect(rebuilt).toEqual(live);
    } finally {
      await pg.end();
    }

    // Reads now come from the rebuilt version, and still find the order.
    const after = await fetch(`${gateway.url}/orders/${orderId}`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual(view);

    // The live projector keeps working on the new version.
    const second = await post(JSON.stringify(order));
    const { orderId: secondId } = (await second.json()) as { orderId: string };
    await waitFor('the next order to be projected after the swap', async () => {
      const response = await fetch(`${gateway.url}/orders/${secondId}`);
      return response.status === 200;
    });
  });

  describe('the order saga: stock, then payment, with compensation', () => {
    it('cancels an order whose payment is declined, and gives its stock back', async () => {
      const before = await waitFor('demo stock of SKU-3', () => availableStock('SKU-3'));
      const placed = await post(
        JSON.stringify({
          customerId: 'test-card-declined',
          region: 'us-east',
          items: [{ sku: 'SKU-3', quantity: 4 }],
        }),
      );
      const { orderId } = (await placed.json()) as { orderId: string };

      // OrderPlaced (1) → stock reserved → PaymentDeclined → stock released → OrderCancelled (2).
      expect(await waitForStatus(orderId, 'CANCELLED')).toMatchObject({ version: 2 });
      expect(await availableStock('SKU-3')).toBe(before);
    });

    it('rejects an order whose stock cannot be reserved, and takes nothing', async () => {
      const before = await waitFor('demo stock of SKU-LIMITED', () =>
        availableStock('SKU-LIMITED'),
      );
      const placed = await post(
        JSON.stringify({
          customerId: 'c-7',
          region: 'eu-west',
          items: [
            { sku: 'SKU-1', quantity: 1 },
            { sku: 'SKU-LIMITED', quantity: before + 1 },
          ],
        }),
      );
      const { orderId } = (await placed.json()) as { orderId: string };

      expect(await waitForStatus(orderId, 'REJECTED')).toMatchObject({ version: 2 });
      expect(await availableStock('SKU-LIMITED')).toBe(before);
    });

    it('confirms an order and keeps its stock taken', async () => {
      const before = await waitFor('demo stock of SKU-4', () => availableStock('SKU-4'));
      const placed = await post(
        JSON.stringify({
          customerId: 'c-8',
          region: 'ap-south',
          items: [{ sku: 'SKU-4', quantity: 3 }],
        }),
      );
      const { orderId } = (await placed.json()) as { orderId: string };

      expect(await waitForStatus(orderId, 'CONFIRMED')).toMatchObject({ version: 2 });
      expect(await availableStock('SKU-4')).toBe(before - 3);
    });
  });

  describe('Idempotency-Key', () => {
    // Each test orders for a customer of its own: nothing it counts comes from another.
    const orderFor = (customerId: string) => ({
      customerId,
      region: 'eu-west',
      items: [{ sku: 'SKU-2', quantity: 1 }],
    });

    /** Every OrderPlaced in the namespace's ORDERS stream: the write side, complete. */
    const placedInStream = async (customerId: string): Promise<string[]> => {
      const jsm = await jetstreamManager(nc);
      const stream = names.nats.streams.orders.name;
      const { state } = await jsm.streams.info(stream);
      const orderIds: string[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        const event = message?.json<{
          type: string;
          aggregateId: string;
          data: { customerId?: string };
        }>();
        if (event?.type === 'OrderPlaced' && event.data.customerId === customerId) {
          orderIds.push(event.aggregateId);
        }
      }
      return orderIds;
    };

    it('20 concurrent identical requests with one key place exactly one order', async () => {
      const order = orderFor('c-idem-concurrent');
      const key = `idem-${namespace}-concurrent`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => post(JSON.stringify(order), { 'idempotency-key': key })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
      const ids = new Set(
        await Promise.all(
          responses.map(
            async (response) => ((await response.json()) as { orderId: string }).orderId,
          ),
        ),
      );
      expect(ids.size).toBe(1);

      // A retry after the first one finished (no Nats-Msg-Id in common with it: every HTTP
      // request gets a new command id) still answers with the same order.
      const [orderId] = [...ids];
      await waitForStatus(orderId!, 'CONFIRMED');
      const retry = await post(JSON.stringify(order), { 'idempotency-key': key });
      expect(retry.status).toBe(201);
      expect(await retry.json()).toEqual({ orderId, status: 'PLACED' });
      expect(retry.headers.get('location')).toBe(`/orders/${orderId}`);

      // Exactly one order exists for it: one OrderPlaced in the ORDERS stream. Every one of
      // the 21 requests was answered after its append was acknowledged, so the stream
      // already holds every order they could have placed (the read model may lag behind).
      expect(await placedInStream(order.customerId)).toEqual([orderId]);
      // And the read model, whatever the status of its rows, has that one.
      const pg = new Client({ connectionString: testEnv.DATABASE_URL });
      await pg.connect();
      try {
        const { rows } = await pg.query<{ order_id: string }>(
          `SELECT order_id FROM "${names.postgres.schema}".orders WHERE customer_id = $1`,
          [order.customerId],
        );
        expect(rows.map((row) => row.order_id)).toEqual([orderId]);
      } finally {
        await pg.end();
      }
    });

    it('refuses the same key with a different body (422)', async () => {
      const order = orderFor('c-idem-reused');
      const key = `idem-${namespace}-reused`;
      expect((await post(JSON.stringify(order), { 'idempotency-key': key })).status).toBe(201);
      const other = await post(JSON.stringify({ ...order, region: 'us-east' }), {
        'idempotency-key': key,
      });
      expect(other.status).toBe(422);
      expect(await other.json()).toMatchObject({ status: 422, title: 'Idempotency-Key reused' });
    });

    it('rejects a malformed key with 400', async () => {
      const response = await post(JSON.stringify(orderFor('c-idem-malformed')), {
        'idempotency-key': 'has spaces',
      });
      expect(response.status).toBe(400);
    });
  });

  describe('bad input gets a clear 4xx and the gateway keeps serving', () => {
    const valid = { customerId: 'c-1', region: 'eu-west', items: [{ sku: 'SKU-1', quantity: 1 }] };
    it.each([
      ['missing fields', JSON.stringify({ region: 'eu-west' }), 400, 'customerId'],
      [
        'wrong types',
        JSON.stringify({ customerId: 7, region: 'eu-west', items: 'many' }),
        400,
        'items',
      ],
      ['empty items', JSON.stringify({ ...valid, items: [] }), 400, 'items'],
      [
        'negative quantity',
        JSON.stringify({ ...valid, items: [{ sku: 'SKU-1', quantity: -3 }] }),
        400,
        'items.0.quantity',
      ],
      ['unknown fields', JSON.stringify({ ...valid, discount: 100 }), 400, '(body)'],
      ['JSON that is not an object', JSON.stringify([valid]), 400, '(body)'],
      ['a JSON string', JSON.stringify('an order, please'), 400, '(body)'],
      ['a non-JSON body', '{"customerId": oops', 400, undefined],
      // A number: the length the headers declare, and no body is sent (postHeadersOnly).
      ['a 2 MB body', 2 * 1024 * 1024, 413, undefined],
    ])('%s → a 4xx with problem details', async (_case, body, expectedStatus, field) => {
      const url = `${gateway.url}/orders`;
      const response: Answer =
        typeof body === 'number'
          ? await postHeadersOnly(url, body)
          : await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body,
            }).then(async (answer) => ({
              status: answer.status,
              contentType: String(answer.headers.get('content-type')),
              body: await answer.text(),
            }));
      expect(response.status).toBe(expectedStatus);
      expect(response.contentType).toContain('application/problem+json');
      const problem = JSON.parse(response.body) as {
        status: number;
        title: string;
        errors?: { field: string }[];
      };
      expect(problem.status).toBe(expectedStatus);
      expect(problem.title).toEqual(expect.any(String));
      if (field) expect(problem.errors?.map((error) => error.field)).toContain(field);
      // Still serving:
      const health = await fetch(`${gateway.url}/healthz`);
      expect(health.status).toBe(200);
    });
  });
});
