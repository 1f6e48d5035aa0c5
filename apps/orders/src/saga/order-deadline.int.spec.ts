import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  envelopeHeaders,
  MessageHeaders,
  OrderEventSchema,
  type GetStockReply,
  type OrderEvent,
  type PaymentOutcome,
  type PlaceOrderReply,
} from '@switchyard/contracts';
import {
  connectNats,
  fromNatsHeaders,
  subjectMessages,
  toNatsHeaders,
} from '@switchyard/messaging';
import { nestRequest, testEnv, TestNamespace, waitFor } from '@switchyard/testkit';

/**
 * The order deadline on real NATS, with real orders and inventory processes and NO
 * payments service: the payment request waits in its queue, nobody answers, and the
 * deadline has to end the order.
 */
describe('order deadline', () => {
  const TIMEOUT_MS = 2_000;
  const suite = new TestNamespace('deadline', { ORDERS_PAYMENT_TIMEOUT_MS: String(TIMEOUT_MS) });
  const { names } = suite;
  const SKU = 'SKU-4'; // 50 units in the demo catalog
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  const stock = async () => {
    const reply = await nestRequest<GetStockReply>(nc, names.nats.subjects.getStock, { sku: SKU });
    if (!reply.response?.found) throw new Error(`no stock for ${SKU}`);
    return reply.response.available;
  };
  const events = async (orderId: string): Promise<OrderEvent[]> => {
    const found: OrderEvent[] = [];
    const subject = names.nats.subjects.orderEvents(orderId);
    for await (const message of subjectMessages(jsm, names.nats.streams.orders.name, subject)) {
      found.push(OrderEventSchema.parse(message.json()));
    }
    return found;
  };
  const deadLetters = async (subject: string) => {
    const letters = [];
    const stream = names.nats.streams.deadLetters.name;
    for await (const message of subjectMessages(jsm, stream, subject)) {
      letters.push({ headers: fromNatsHeaders(message.header), body: message.string() });
    }
    return letters;
  };

  /** Inventory's record of what the order holds (`reservation.<orderId>` in its KV bucket). */
  const reservation = async (orderId: string) => {
    const kv = await new Kvm(nc).open(names.nats.kv.inventory.name);
    const entry = await kv.get(`reservation.${orderId}`);
    return entry?.operation === 'PUT'
      ? entry.json<{ state: string; lines: { sku: string; quantity: number }[]; applied: number }>()
      : undefined;
  };

  beforeAll(async () => {
    await suite.start('inventory', 'orders');
    nc = await connectNats({ settings: testEnv, name: 'deadline-int-test' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  it('cancels an order nobody paid for once its deadline passes, gives the stock back, and a late payment neither revives it nor releases twice', async () => {
    const before = await stock();
    const placed = await nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
      commandId: randomUUID(),
      customerId: 'c-deadline',
      region: 'eu-west',
      items: [{ sku: SKU, quantity: 3 }],
    });
    const orderId = placed.response!.orderId;

    // The saga reserved the stock and asked for a payment that never comes. (The stock
    // is down by 3 only between the reservation and the deadline, 2 s on an idle machine
    // and less on a busy one: the outcome is asserted below, from inventory's record.)
    const history = await waitFor('the order to end', async () => {
      const all = await events(orderId);
      return all.length === 2 ? all : undefined;
    });
    const [orderPlaced, cancelled] = history;
    expect(cancelled).toMatchObject({
      type: 'OrderCancelled',
      aggregateVersion: 2,
      causationId: orderPlaced!.eventId,
      correlationId: orderPlaced!.correlationId,
      data: { reason: `timed out: not paid within ${TIMEOUT_MS} ms of placing` },
    });
    await waitFor('the stock to come back', async () => (await stock()) === before);
    // It had been taken and was given back: the reservation record says both.
    const record = await waitFor('the reservation to be settled', async () => {
      const found = await reservation(orderId);
      return found && found.state !== 'pending' && found.state !== 'reserved' ? found : undefined;
    });
    expect(record).toMatchObject({
      state: 'released',
      lines: [{ sku: SKU, quantity: 3 }],
      applied: 1,
    });

    // ### The payment goes through after all, late.
    const late: PaymentOutcome = {
      eventId: randomUUID(),
      type: 'PaymentSucceeded',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: orderId,
      aggregateVersion: 1,
      correlationId: orderPlaced!.correlationId,
      causationId: null,
      headers: {},
      data: { orderId, paymentId: randomUUID(), amountCents: 4_500 },
    };
    await jetstream(nc).publish(names.nats.subjects.paymentEvents(orderId), JSON.stringify(late), {
      msgID: `payment-outcome:${orderId}`,
      headers: toNatsHeaders(envelopeHeaders(late)),
    });

    // Recorded where operators look, with what to do about it.
    const letter = await waitFor('the refund-due dead letter', async () =>
      (await deadLetters(names.nats.consumers.ordersPaymentOutcomes.deadLetterSubject)).find((l) =>
        l.body.includes(late.eventId),
      ),
    );
    expect(letter.headers[MessageHeaders.deadLetterReason]).toContain(
      'refund due: payment of 4500 cents succeeded after order',
    );
    // Still cancelled, nothing appended; the stock was not given back a second time.
    expect((await events(orderId)).map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderCancelled',
    ]);
    expect(await stock()).toBe(before);
  });

  it('leaves an order that ended in time alone', async () => {
    // An order that ends on its own well before its deadline: more than the stock, rejected.
    const placed = await nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
      commandId: randomUUID(),
      customerId: 'c-on-time',
      region: 'eu-west',
      items: [{ sku: SKU, quantity: 10_000 }],
    });
    const orderId = placed.response!.orderId;
    await waitFor('the rejection', async () => (await events(orderId)).length === 2);
    // Past its deadline, the deadline consumer has seen it (nothing pending for it) …
    await waitFor('the deadline to pass over it', async () => {
      const info = await jsm.consumers.info(
        names.nats.streams.orders.name,
        names.nats.consumers.ordersDeadlines.durable,
      );
      return info.num_ack_pending === 0 && info.num_pending === 0;
    });
    // … and left it as it was.
    expect((await events(orderId)).map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderRejected',
    ]);
  });
});
