import { CONTROLLED_SERVICES } from '@switchyard/contracts';
import {
  adminRequest,
  AuthNats,
  PREDICTABLE_PAYMENTS,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';

/**
 * ### Every service does its whole job with only its own NATS permissions.
 *
 * The whole system on a nats-server with the generated authorization (`AuthNats`: the
 * committed `infra/nats/nats-server.conf`, the permissions rendered from the contracts for
 * this namespace), each app connecting as its own NKey user with its own inbox prefix.
 * Every path that crosses NATS is exercised through the gateway: an order confirmed and
 * one cancelled (saga, inventory KV, payments work queue and KV, bridge to Kafka and its
 * lease, projector), the consumer control plane of every controlled service, the
 * dashboard's JetStream panels, and a rebuild with its progress. The server's log must
 * then hold no "Permissions Violation": a right missing from the generated config shows up
 * here, by name, even where a service retries around it.
 */
describe('the system under NATS authorization', () => {
  const suite = new TestNamespace('auth', PREDICTABLE_PAYMENTS);
  let nats: AuthNats;
  let gateway: ServiceProcess;

  const post = (path: string, body: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** An operator's call: the admin token, and for a POST the JSON body (ADR 0034). */
  const admin = (path: string, method: 'GET' | 'POST' = 'GET') =>
    fetch(`${gateway.url}${path}`, adminRequest(method));
  const orderStatus = (orderId: string, status: string) =>
    waitFor(`order ${orderId} to be ${status}`, async () => {
      const response = await fetch(`${gateway.url}/orders/${orderId}`);
      if (response.status !== 200) return undefined;
      const view = (await response.json()) as { status: string };
      return view.status === status ? view : undefined;
    });

  beforeAll(async () => {
    nats = await AuthNats.start(suite.namespace);
    const apps = ['inventory', 'payments', 'orders', 'bridge', 'projector'] as const;
    await Promise.all(apps.map((app) => suite.startOne({ app, env: nats.envOf(app) })));
    await suite.startOne({ app: 'rebuilder', args: ['serve'], env: nats.envOf('rebuilder') });
    gateway = await suite.startOne({ app: 'gateway', env: nats.envOf('gateway') });
  });

  afterAll(async () => {
    await suite.close();
    await nats?.stop();
  });

  it('confirms and cancels orders, pauses and resumes consumers, rebuilds, with no permission refused', async () => {
    const order = (customerId: string) => ({
      customerId,
      region: 'eu-west',
      items: [{ sku: 'SKU-1', quantity: 1 }],
    });
    const paid = await post('/orders', order('c-auth'));
    expect(paid.status).toBe(201);
    const declined = await post('/orders', order('test-card-declined'));
    expect(declined.status).toBe(201);
    await orderStatus(((await paid.json()) as { orderId: string }).orderId, 'CONFIRMED');
    await orderStatus(((await declined.json()) as { orderId: string }).orderId, 'CANCELLED');

    for (const service of CONTROLLED_SERVICES) {
      expect((await admin(`/admin/consumers/${service}/pause`, 'POST')).status).toBe(200);
      expect((await admin(`/admin/consumers/${service}/resume`, 'POST')).status).toBe(200);
    }
    const overview = (await (await fetch(`${gateway.url}/api/overview`)).json()) as Record<
      string,
      { ok: boolean }
    >;
    const failedPanels = Object.entries(overview)
      .filter(([, panel]) => typeof panel === 'object' && panel !== null && panel.ok === false)
      .map(([name]) => name);
    expect(failedPanels).toEqual([]);

    expect((await admin('/admin/projections/orders/rebuild', 'POST')).status).toBe(202);
    await waitFor('the rebuild to swap', async () => {
      const response = await admin('/admin/projections/orders');
      const body = (await response.json()) as { lastRun?: { state: string } };
      return body.lastRun?.state === 'swapped';
    });

    expect(nats.violations()).toEqual([]);
  });
});
