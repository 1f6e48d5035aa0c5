import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type GetOrderStatusReply, type PlaceOrderReply } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  nestRequest,
  testEnv,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';

/** Two real orders processes in one queue group, on the real NATS server. */
describe('PlaceOrder over NATS request-reply (two instances)', () => {
  const suite = new TestNamespace();
  const { names } = suite;
  let instances: ServiceProcess[] = [];
  let nc: NatsConnection;

  const placeOrder = (commandId: string = randomUUID()) =>
    nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
      commandId,
      customerId: 'c-1',
      region: 'eu-west',
      items: [{ sku: 'SKU-1', quantity: 1 }],
    });

  beforeAll(async () => {
    instances = await Promise.all(
      ['orders-a', 'orders-b'].map((label) => suite.startOne({ app: 'orders', label })),
    );
    nc = await connectNats({ settings: testEnv, name: 'orders-int-test' });
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  it('spreads requests over both instances of the queue group, each request handled once', async () => {
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;

    const replies = await Promise.all(Array.from({ length: 40 }, () => placeOrder()));
    expect(replies.every((reply) => reply.response?.status === 'PLACED')).toBe(true);
    const orderIds = new Set(replies.map((reply) => reply.response!.orderId));
    expect(orderIds.size).toBe(40);

    // Each instance logs the orders it handled; logs arrive a little after the replies.
    const handledBy = await waitFor('both instances to log these 40 orders', () => {
      const counts = instances.map(
        (instance) =>
          instance
            .lines()
            .filter((line) => line.includes('"msg":"order placed"'))
            .filter((line) => orderIds.has((JSON.parse(line) as { orderId: string }).orderId))
            .length,
      );
      return counts[0]! + counts[1]! >= 40 ? counts : undefined;
    });
    // Queue-group delivery is random: with 40 requests, both get some (p(all to one) = 2^-39).
    expect(handledBy[0]).toBeGreaterThan(0);
    expect(handledBy[1]).toBeGreaterThan(0);
    expect(handledBy[0]! + handledBy[1]!).toBe(40);

    const after = (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;
    expect(after - before).toBe(40);
  });

  it('stores a retried command once and answers the retry with the same order id', async () => {
    const commandId = randomUUID();
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;

    const first = await placeOrder(commandId);
    const retry = await placeOrder(commandId);

    expect(retry.response?.orderId).toBe(first.response?.orderId);
    const after = (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;
    expect(after - before).toBe(1);
  });

  it('given one Idempotency-Key, when requests race and one comes again later, then one order is stored and every reply names it', async () => {
    const idempotencyKey = `key-${randomUUID()}`;
    const request = (commandId: string) =>
      nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
        commandId,
        idempotencyKey,
        customerId: 'c-3',
        region: 'eu-west',
        items: [{ sku: 'SKU-3', quantity: 2 }],
      });
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;
    // Different command ids: only the key ties them together (across both instances).
    const racing = await Promise.all(Array.from({ length: 6 }, () => request(randomUUID())));
    const later = await request(randomUUID());
    const orderIds = new Set([...racing, later].map((reply) => reply.response?.orderId));
    expect(orderIds.size).toBe(1);
    expect([...orderIds][0]).toEqual(expect.any(String));
    const after = (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;
    expect(after - before).toBe(1);
    const reused = await nestRequest(nc, names.nats.subjects.placeOrder, {
      commandId: randomUUID(),
      idempotencyKey,
      customerId: 'c-3',
      region: 'eu-west',
      items: [{ sku: 'SKU-3', quantity: 3 }],
    });
    expect(reused.err).toMatchObject({ status: 422, title: 'Idempotency-Key reused' });
  });

  it('announces each placed order on core NATS, where a wildcard subscriber hears every region', async () => {
    // `notify.orders.*.placed`: `*` matches exactly one token, the region.
    const heard: { orderId: string; region: string }[] = [];
    const subscription = nc.subscribe(names.nats.subjects.allOrderPlacedNotifications, {
      callback: (_error, message) => {
        heard.push(message.json<{ orderId: string; region: string }>());
      },
    });
    await nc.flush();
    try {
      const placed = await Promise.all(
        ['eu-west', 'us-east'].map((region) =>
          nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
            commandId: randomUUID(),
            customerId: 'c-2',
            region,
            items: [{ sku: 'SKU-2', quantity: 1 }],
          }),
        ),
      );
      const expected = placed.map((reply, index) => ({
        orderId: reply.response!.orderId,
        region: ['eu-west', 'us-east'][index],
      }));
      await waitFor('both notifications', () => heard.length >= 2);
      const summary = heard.map(({ orderId, region }) => ({ orderId, region }));
      expect(summary).toEqual(expect.arrayContaining(expected));
    } finally {
      subscription.unsubscribe();
    }
  });

  it('answers GetOrderStatus from the write side: PLACED at once, unknown orders not found, bad ids a 400', async () => {
    const placed = await placeOrder();
    const orderId = placed.response!.orderId;
    const status = await nestRequest<GetOrderStatusReply>(nc, names.nats.subjects.getOrderStatus, {
      orderId,
    });
    // No read model in between: the order is there the moment PlaceOrder replied.
    expect(status.response).toEqual({ found: true, orderId, status: 'PLACED', version: 1 });
    const unknown = randomUUID();
    expect(
      (await nestRequest(nc, names.nats.subjects.getOrderStatus, { orderId: unknown })).response,
    ).toEqual({ found: false, orderId: unknown });
    const invalid = await nestRequest(nc, names.nats.subjects.getOrderStatus, { orderId: 'x' });
    expect(invalid.err).toMatchObject({ status: 400, title: 'Invalid GetOrderStatus' });
  });

  it('rejects an invalid command with field errors instead of storing anything', async () => {
    const reply = await nestRequest(nc, names.nats.subjects.placeOrder, { customerId: 'c-1' });
    expect(reply.err).toMatchObject({
      status: 400,
      errors: expect.arrayContaining([expect.objectContaining({ field: 'items' })]),
    });
  });
});
