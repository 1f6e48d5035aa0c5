import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { topology } from '@switchyard/contracts';
import { connectNats, ensureStream } from '@switchyard/messaging';
import { AuthNats, uniqueNamespace } from '@switchyard/testkit';
import { outcomeOf, subscribeOutcome, UserConnections } from './permission-probes';

const violation = (subject: string) => `Permissions Violation for Publish to "${subject}"`;
const quiet = { log: () => undefined, warn: () => undefined };

/**
 * ### What a user may not do, on a real nats-server with the generated permissions.
 *
 * `AuthNats` starts nats-server with `infra/nats/nats-server.conf` and the authorization
 * rendered from the contracts for this suite's namespace, one fresh NKey per user. Each
 * denial is asserted twice: the client gets the server's "Permissions Violation", and the
 * stream shows that nothing was stored or removed. Each refusal has an allowed twin (the
 * user the right belongs to), so a test cannot pass because everything is refused.
 */
describe('NATS permissions, denied', () => {
  const namespace = uniqueNamespace('sec');
  const names = topology(namespace);
  const { streams, subjects } = names.nats;
  let nats: AuthNats;
  let users: UserConnections;
  let admin: JetStreamManager;

  const connectAs = (user: Parameters<AuthNats['settingsOf']>[0], name?: string) =>
    users.connect(user, name);
  /** Messages stored on one subject of a stream, as the admin user sees them. */
  const storedOn = (stream: string, subject: string) => users.storedOn(stream, subject);

  beforeAll(async () => {
    nats = await AuthNats.start(namespace);
    users = new UserConnections(nats);
    admin = await users.adminManager();
    // Each stream made by the service that owns it, with its own rights.
    const orders = await jetstreamManager(await connectAs('orders'));
    await ensureStream(orders, streams.orders, { replicas: 1, logger: quiet });
    const payments = await jetstreamManager(await connectAs('payments'));
    await ensureStream(payments, streams.paymentEvents, { replicas: 1, logger: quiet });
  });

  afterAll(async () => {
    await users?.closeAll();
    await nats?.stop();
  });

  it('refuses a connection without credentials, and one with an unknown key', async () => {
    const anonymous = await outcomeOf(() =>
      connectNats({ settings: { NATS_URL: nats.url }, name: 'anonymous' }),
    );
    expect(anonymous).toContain('Authorization Violation');
    const stranger = await outcomeOf(async () => {
      const other = await AuthNats.start(uniqueNamespace('sec'));
      try {
        // A key the other server knows, this one does not.
        const settings = { ...other.settingsOf('admin'), NATS_URL: nats.url };
        await connectNats({ settings, name: 'stranger' });
      } finally {
        await other.stop();
      }
    });
    expect(stranger).toContain('Authorization Violation');
  });

  it('the gateway cannot publish a payment outcome; payments can', async () => {
    const gateway = jetstream(await connectAs('gateway'));
    const subject = subjects.paymentEvents(`forged-${namespace}`);
    expect(await outcomeOf(() => gateway.publish(subject, '{}'))).toContain(violation(subject));
    expect(await storedOn(streams.paymentEvents.name, subject)).toBe(0);

    const payments = jetstream(await connectAs('payments'));
    await payments.publish(subject, '{}');
    expect(await storedOn(streams.paymentEvents.name, subject)).toBe(1);
  });

  it('payments cannot append to ORDERS; orders can', async () => {
    const subject = subjects.orderEvents(`appended-${namespace}`);
    const payments = jetstream(await connectAs('payments'));
    expect(await outcomeOf(() => payments.publish(subject, '{}'))).toContain(violation(subject));
    expect(await storedOn(streams.orders.name, subject)).toBe(0);

    const orders = jetstream(await connectAs('orders'));
    await orders.publish(subject, '{}');
    expect(await storedOn(streams.orders.name, subject)).toBe(1);
  });

  it('no app can delete or purge a stream, not even its owner; the admin can', async () => {
    const subject = subjects.orderEvents(`kept-${namespace}`);
    await jetstream(await connectAs('orders')).publish(subject, '{}');
    const name = streams.orders.name;
    for (const user of ['gateway', 'orders', 'bridge'] as const) {
      const jsm = await jetstreamManager(await connectAs(user));
      expect(await outcomeOf(() => jsm.streams.delete(name))).toContain(
        violation(`$JS.API.STREAM.DELETE.${name}`),
      );
      expect(await outcomeOf(() => jsm.streams.purge(name))).toContain(
        violation(`$JS.API.STREAM.PURGE.${name}`),
      );
    }
    expect(await storedOn(name, subject)).toBe(1);

    await admin.streams.purge(name, { filter: subject });
    expect(await storedOn(name, subject)).toBe(0);
  });

  it("a process with payments' key that calls itself orders gets payments' rights, nothing more", async () => {
    // The connection name and the inbox prefix are the client's say; the key is not.
    const settings = { ...nats.settingsOf('payments'), NATS_INBOX_PREFIX: '_INBOX_orders' };
    const impostor = await connectNats({ settings, name: 'orders' });
    users.track(impostor);
    const subject = subjects.orderEvents(`impostor-${namespace}`);
    expect(await outcomeOf(() => impostor.request(subject, '{}'))).toContain('Permissions');
    expect(await storedOn(streams.orders.name, subject)).toBe(0);
    // It can neither serve orders' requests nor read orders' replies.
    expect(await subscribeOutcome(impostor, subjects.placeOrder, 'orders')).toContain(
      'Permissions Violation for Subscription',
    );
    expect(await subscribeOutcome(impostor, '_INBOX_orders.>')).toContain(
      'Permissions Violation for Subscription',
    );
    // The real orders user can do both.
    const orders = await connectAs('orders');
    expect(await subscribeOutcome(orders, subjects.placeOrder, 'orders')).toBe('allowed');
    expect(await subscribeOutcome(orders, '_INBOX_orders.>')).toBe('allowed');
  });

  it("no user reads another's replies: the gateway's inbox is its own", async () => {
    const gateway = await connectAs('gateway');
    for (const inbox of ['_INBOX.>', '_INBOX_orders.>', '>'])
      expect(await subscribeOutcome(gateway, inbox)).toContain(
        'Permissions Violation for Subscription',
      );
    expect(await subscribeOutcome(gateway, '_INBOX_gateway.>')).toBe('allowed');
  });

  it('a responder serves only in its queue group, and answers through allow_responses', async () => {
    const inventory = await connectAs('inventory');
    const subject = subjects.reserveStock;
    expect(await subscribeOutcome(inventory, subject)).toContain(
      `Permissions Violation for Subscription to "${subject}"`,
    );
    expect(await subscribeOutcome(inventory, subject, 'eavesdroppers')).toContain(
      `using queue "eavesdroppers"`,
    );
    // Its real subscription, answered: the reply goes to the caller's `_INBOX_orders.…`,
    // a subject inventory may not publish to except as this one reply.
    const served = inventory.subscribe(subject, {
      queue: names.nats.queues.inventory,
      callback: (error, message) => {
        if (!error) message.respond('reserved');
      },
    });
    const orders = await connectAs('orders');
    const reply = await orders.request(subject, '{}', { timeout: 5_000 });
    expect(reply.string()).toBe('reserved');
    expect(reply.subject.startsWith('_INBOX_orders.')).toBe(true);
    served.unsubscribe();
    // Outside a reply, the same subject is refused.
    expect(await outcomeOf(() => inventory.request(reply.subject, 'x'))).toContain('Permissions');
  });
});
