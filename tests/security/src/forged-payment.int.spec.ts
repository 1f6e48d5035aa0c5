import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  envelopeHeaders,
  type GetOrderStatusReply,
  type PaymentOutcome,
  type PlaceOrderReply,
} from '@switchyard/contracts';
import { connectNats, toNatsHeaders } from '@switchyard/messaging';
import { AuthNats, nestRequest, TestNamespace, waitFor } from '@switchyard/testkit';
import { outcomeOf } from './permission-probes';

/**
 * ### A forged payment outcome does not confirm an order.
 *
 * The threat: anything on the NATS network (or a compromised gateway) publishes
 * `PaymentSucceeded` for an unpaid order, and the saga confirms it. Here orders and
 * inventory run as real processes with their own users on the authorizing server, and no
 * payments service: the order waits for its payment. The gateway's user forges the
 * outcome: refused, nothing stored, the order still waits. Then the same message from the
 * payments user confirms it: the forged one would have worked, had it been let through.
 */
describe('a forged payment outcome', () => {
  const suite = new TestNamespace('forge');
  const { names } = suite;
  let nats: AuthNats;
  let admin: NatsConnection;
  let jsm: JetStreamManager;
  const others: NatsConnection[] = [];

  const status = async (orderId: string) => {
    const reply = await nestRequest<GetOrderStatusReply>(
      admin,
      names.nats.subjects.getOrderStatus,
      {
        orderId,
      },
    );
    return reply.response;
  };
  const paymentsRequested = async () =>
    (await jsm.streams.info(names.nats.streams.payments.name)).state.messages;

  beforeAll(async () => {
    nats = await AuthNats.start(suite.namespace);
    for (const app of ['inventory', 'orders'] as const)
      await suite.startOne({ app, env: nats.envOf(app) });
    admin = await connectNats({ settings: nats.settingsOf('admin'), name: 'forge-admin' });
    jsm = await jetstreamManager(admin);
  });

  afterAll(async () => {
    await Promise.all([admin, ...others].map((nc) => nc?.close()));
    await suite.close();
    await nats?.stop();
  });

  it('from the gateway is refused and the order is not confirmed; from payments it is', async () => {
    const placed = await nestRequest<PlaceOrderReply>(admin, names.nats.subjects.placeOrder, {
      commandId: randomUUID(),
      customerId: 'c-forge',
      region: 'eu-west',
      items: [{ sku: 'SKU-4', quantity: 1 }],
    });
    const orderId = placed.response!.orderId;
    // The saga reserved the stock and asked for the payment: the order waits for it.
    await waitFor('the payment request', async () => (await paymentsRequested()) === 1);
    const waiting = await status(orderId);
    expect(waiting).toMatchObject({ found: true, status: 'PLACED' });

    const outcome: PaymentOutcome = {
      eventId: randomUUID(),
      type: 'PaymentSucceeded',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: orderId,
      aggregateVersion: 2,
      correlationId: randomUUID(),
      causationId: null,
      headers: {},
      data: { orderId, paymentId: randomUUID(), amountCents: 1 },
    };
    const subject = names.nats.subjects.paymentEvents(orderId);
    const publishAs = async (user: 'gateway' | 'payments') => {
      const nc = await connectNats({ settings: nats.settingsOf(user), name: `forge-${user}` });
      others.push(nc);
      return jetstream(nc).publish(subject, JSON.stringify(outcome), {
        msgID: `payment-outcome:${orderId}`,
        headers: toNatsHeaders(envelopeHeaders(outcome)),
      });
    };

    expect(await outcomeOf(() => publishAs('gateway'))).toContain(
      `Permissions Violation for Publish to "${subject}"`,
    );
    const stored = await jsm.streams.info(names.nats.streams.paymentEvents.name, {
      subjects_filter: subject,
    });
    expect(stored.state.subjects?.[subject] ?? 0).toBe(0);
    expect(await status(orderId)).toMatchObject({ status: 'PLACED' });

    await publishAs('payments');
    await waitFor('the order to be confirmed', async () => {
      const now = await status(orderId);
      return now?.found && now.status === 'CONFIRMED';
    });
  });
});
