import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { catalog, topology } from '@switchyard/contracts';
import { connectNats, ensureStream, type NatsSettings } from '@switchyard/messaging';
import { AuthNats, TestCertificates, uniqueNamespace, type AuthNatsTls } from '@switchyard/testkit';
import { outcomeOf, UserConnections } from './permission-probes';

const quiet = { log: () => undefined, warn: () => undefined };

/**
 * ### NATS over TLS, on a real nats-server 2.9, with the generated users on top.
 *
 * A throw-away CA (testkit's `TestCertificates`, openssl) signs the server's certificate and a
 * client's. The server runs the committed config plus a `tls {}` block; the services connect
 * through `connectNats` with `NATS_TLS_CA` (and `NATS_TLS_CERT`/`NATS_TLS_KEY` for mutual TLS),
 * the very settings a deployment sets. Each refusal has its allowed twin: the same user,
 * the same server, only the TLS setting differs.
 */
describe.each([
  { mode: 'TLS', verify: false },
  { mode: 'mutual TLS (verify: true)', verify: true },
])('NATS over $mode', ({ verify }) => {
  const namespace = uniqueNamespace('tls');
  const names = topology(namespace);
  const route = catalog(names).routes.placeOrder;
  let certificates: TestCertificates;
  let nats: AuthNats;
  let users: UserConnections;

  /** The orders user's settings on this server with `tls` as its only TLS settings. */
  const ordersWith = (tls: Partial<NatsSettings>): NatsSettings => ({
    ...nats.settingsOf('orders'),
    NATS_TLS_CA: undefined,
    NATS_TLS_CERT: undefined,
    NATS_TLS_KEY: undefined,
    ...tls,
  });

  beforeAll(async () => {
    certificates = TestCertificates.create(namespace);
    const server = certificates.server();
    const tls: AuthNatsTls = { ...server, ca: certificates.ca, verify };
    const client = certificates.client();
    nats = await AuthNats.start(namespace, {
      tls,
      clientTls: {
        NATS_TLS_CA: certificates.ca,
        ...(verify && { NATS_TLS_CERT: client.cert, NATS_TLS_KEY: client.key }),
      },
    });
    users = new UserConnections(nats);
  });

  afterAll(async () => {
    await users?.closeAll();
    await nats?.stop();
    certificates?.remove();
  });

  it('a service with the CA connects: request-reply and a JetStream publish work', async () => {
    const orders = await users.connect('orders');
    const gateway = await users.connect('gateway');
    expect(orders.info?.tls_required).toBe(true);
    orders.subscribe(route.subject, {
      queue: route.queue,
      callback: (_error, msg) => {
        msg.respond(`answered ${msg.string()}`);
      },
    });
    await orders.flush();
    expect((await gateway.request(route.subject, 'over tls')).string()).toBe('answered over tls');

    await ensureStream(await jetstreamManager(orders), names.nats.streams.orders, {
      replicas: 1,
      logger: quiet,
    });
    const subject = names.nats.subjects.orderEvents(`tls-${namespace}`);
    const ack = await jetstream(orders).publish(subject, '{}');
    expect(ack.stream).toBe(names.nats.streams.orders.name);
    expect(await users.storedOn(names.nats.streams.orders.name, subject)).toBe(1);
  });

  it('a client without the CA refuses the server', async () => {
    // Its certificate, if the server asks for one, but not the CA.
    const withoutCa = { ...nats.settingsOf('orders'), NATS_TLS_CA: undefined };
    const refused = await outcomeOf(() => connectNats({ settings: withoutCa, name: 'no-ca' }));
    // Node checks the chain against its public CA list, which our CA is not in.
    expect(refused).toMatch(/self[- ]signed certificate|unable to (get|verify)/i);
  });

  if (verify)
    it('a client without a certificate is refused by the server', async () => {
      const refused = await outcomeOf(() =>
        connectNats({
          settings: ordersWith({ NATS_TLS_CA: certificates.ca }),
          name: 'no-cert',
        }),
      );
      expect(refused).not.toBe('allowed');
      // The handshake fails on the server's side; the client only sees the socket close.
      expect(nats.log()).toMatch(/TLS handshake error.*certificate/i);
    });
});
