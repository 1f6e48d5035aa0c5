import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  OrderEventSchema,
  OrderNotificationSchema,
  type OrderNotification,
  type PlaceOrderReply,
} from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  nestRequest,
  PREDICTABLE_PAYMENTS,
  testEnv,
  TestNamespace,
  waitFor,
} from '@switchyard/testkit';

/**
 * Every status transition is announced on `notify.orders.<region>.<event>`, after it was
 * stored: orders with the saga, inventory and payments as real processes.
 */
describe('order notifications for every transition', () => {
  const suite = new TestNamespace('on', PREDICTABLE_PAYMENTS);
  const { names } = suite;
  const heard: OrderNotification[] = [];
  /** The subject each notification arrived on, by event id. */
  const subjects = new Map<string, string>();
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  const placeOrder = async (customerId: string, region: string, sku: string, quantity: number) => {
    const reply = await nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
      commandId: randomUUID(),
      customerId,
      region,
      items: [{ sku, quantity }],
    });
    return reply.response!.orderId;
  };
  const eventsOf = (orderId: string) => heard.filter((n) => n.orderId === orderId);

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'orders-notifications-test' });
    jsm = await jetstreamManager(nc);
    // `>`: every region and every event, one subscription.
    nc.subscribe(names.nats.subjects.allOrderNotifications, {
      callback: (_error, message) => {
        const notification = OrderNotificationSchema.parse(message.json());
        heard.push(notification);
        subjects.set(notification.eventId, message.subject);
      },
    });
    await nc.flush();
    await Promise.all(
      ['orders', 'inventory', 'payments'].map((app) => suite.startOne({ app, timeoutMs: 90_000 })),
    );
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  it('announces placed, then confirmed, cancelled or rejected, each after its event was stored', async () => {
    const confirmed = await placeOrder('c-1', 'eu-west', 'SKU-1', 1);
    const cancelled = await placeOrder('test-card-declined', 'us-east', 'SKU-2', 1);
    const rejected = await placeOrder('c-2', 'ap-south', 'SKU-LIMITED', 1_000);

    const expected = [
      [confirmed, 'eu-west', 'confirmed'],
      [cancelled, 'us-east', 'cancelled'],
      [rejected, 'ap-south', 'rejected'],
    ] as const;
    for (const [orderId, region, end] of expected) {
      await waitFor(`${end} notification of ${orderId}`, () => eventsOf(orderId).length === 2);
      const [first, last] = eventsOf(orderId);
      expect(first).toMatchObject({ event: 'placed', status: 'PLACED', region, version: 1 });
      expect(last).toMatchObject({ event: end, status: end.toUpperCase(), region, version: 2 });
      // What was announced is what is stored: the order's last event in JetStream.
      const stored = await jsm.streams.getMessage(names.nats.streams.orders.name, {
        last_by_subj: names.nats.subjects.orderEvents(orderId),
      });
      expect(OrderEventSchema.parse(stored!.json()).eventId).toBe(last!.eventId);
    }
    // The subject says what the payload says: region and event are its tokens.
    for (const notification of heard) {
      expect(subjects.get(notification.eventId)).toBe(
        names.nats.subjects.orderNotification(notification.region, notification.event),
      );
    }
    expect(eventsOf(cancelled)[1]!.reason).toMatch(/declined/);
    expect(eventsOf(rejected)[1]!.reason).toMatch(/insufficient-stock/);
  });
});
