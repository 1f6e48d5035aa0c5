import type { NatsConnection } from '@nats-io/transport-node';
import { topology } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import { AuthNats, startService, uniqueNamespace, type ServiceProcess } from '@switchyard/testkit';

const order = { customerId: 'c-1', region: 'eu-west', items: [{ sku: 'SKU-1', quantity: 1 }] };

/** The gateway alone: nobody answers on NATS, and it says so instead of hanging. */
describe('gateway with no service behind it', () => {
  const namespace = uniqueNamespace('n');
  let gateway: ServiceProcess;
  let nc: NatsConnection;
  let nats: AuthNats;

  beforeAll(async () => {
    nats = await AuthNats.start(namespace);
    gateway = await startService({
      app: 'gateway',
      env: {
        SWITCHYARD_NAMESPACE: namespace,
        NATS_REQUEST_TIMEOUT_MS: '500',
        ...nats.envOf('gateway'),
      },
    });
    // The silent responder is an orders instance: only orders may join the queue group.
    nc = await connectNats({ settings: nats.settingsOf('orders'), name: 'silent-responder' });
  });

  afterAll(async () => {
    await gateway?.stop();
    await nc?.close();
    await nats?.stop();
  });

  it('answers 503 problem details at once when nobody listens on the subject', async () => {
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 503, title: 'No service is available' });
  });

  it('answers 504 when a responder takes the request but never replies', async () => {
    // A subscriber that swallows requests: the subject has a listener, so NATS reports
    // no "no responders", and only the gateway's timeout can end the wait.
    const silent = nc.subscribe(topology(namespace).nats.subjects.placeOrder, { queue: 'orders' });
    await nc.flush();
    try {
      const response = await fetch(`${gateway.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({
        status: 504,
        title: 'Service did not answer in time',
      });
    } finally {
      silent.unsubscribe();
    }
  });

  it('is live and ready while NATS answers, even with no services', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    // terminus' body (ADR 0018): one entry per indicator.
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { nats: { status: 'up' } } });
  });
});
