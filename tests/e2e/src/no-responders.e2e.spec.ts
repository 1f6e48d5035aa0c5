import { startService, uniqueNamespace, type ServiceProcess } from '@switchyard/testkit';

/** The gateway alone: nobody answers on NATS, and it says so instead of hanging. */
describe('gateway with no service behind it', () => {
  let gateway: ServiceProcess;

  beforeAll(async () => {
    gateway = await startService({
      app: 'gateway',
      env: { SWITCHYARD_NAMESPACE: uniqueNamespace('n') },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers 503 problem details at once when nobody listens on the subject', async () => {
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerId: 'c-1',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 503, title: 'No service is available' });
  });

  it('is live and ready while NATS answers, even with no services', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { nats: { up: true } } });
  });
});
