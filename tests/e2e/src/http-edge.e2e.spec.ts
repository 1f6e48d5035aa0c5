import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { NatsConnection } from '@nats-io/transport-node';
import type { OrderNotification } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  adminHeaders,
  adminRequest,
  TestNamespace,
  testAdminToken,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { openFeed, type FeedConnection } from './http-edge/feed-connection';
import { MonitoredNats } from './http-edge/monitored-nats';
import { openEventStream } from './sse-client';

/**
 * ### The gateway's HTTP edge, attacked the way a stranger on the internet would (ADR 0034)
 *
 * Real gateway processes on a nats-server of the test's own (its monitoring port counts
 * the gateway's subscriptions), with small caps and limits in their env so each refusal
 * is reached in a few requests. No other service runs: the edge answers before any of
 * them would be asked, and an admin route that reaches the bus gets a 503 from nobody.
 */
describe('the HTTP edge', () => {
  const suite = new TestNamespace('he');
  const { names } = suite;
  let nats: MonitoredNats;
  let nc: NatsConnection;
  /** ADMIN_PORT set, 3 streams in all, 2 per client address, one configured origin. */
  let gateway: ServiceProcess;
  let adminUrl: string;
  /** No ADMIN_TOKEN, 3 requests per minute, and a trusted proxy on 127.0.0.1. */
  let strict: ServiceProcess;
  const open: FeedConnection[] = [];

  beforeAll(async () => {
    nats = await MonitoredNats.start();
    nc = await connectNats({ settings: { NATS_URL: nats.url }, name: 'e2e-http-edge' });
    [gateway, strict] = await Promise.all([
      suite.startOne({
        app: 'gateway',
        env: {
          NATS_URL: nats.url,
          ADMIN_PORT: '0',
          SSE_MAX_CLIENTS: '3',
          SSE_MAX_CLIENTS_PER_IP: '2',
          ALLOWED_ORIGINS: 'https://ops.example.com',
          HTTP_REQUEST_TIMEOUT_MS: '1000',
        },
      }),
      suite.startOne({
        app: 'gateway',
        label: 'gateway-strict',
        env: {
          NATS_URL: nats.url,
          ADMIN_TOKEN: '',
          RATE_LIMIT_MAX: '3',
          // As behind a proxy on this machine: X-Forwarded-For names the client.
          TRUST_PROXY: '127.0.0.1',
          // Its own namespace: its subscriptions are not counted with the other gateway's.
          SWITCHYARD_NAMESPACE: `${suite.namespace}s`,
        },
      }),
    ]);
    adminUrl = await waitFor('the admin port', () => {
      const line = gateway.lines().find((text) => text.includes('admin API ready'));
      return line && (JSON.parse(line) as { url: string }).url;
    });
  });

  afterAll(async () => {
    for (const connection of open) connection.close();
    await nc?.close();
    await suite.close();
    await nats?.stop();
  });

  describe('the admin API', () => {
    it('answers 401 with WWW-Authenticate without a token, and with a wrong one', async () => {
      const none = await fetch(`${adminUrl}/admin/consumers`);
      expect(none.status).toBe(401);
      expect(none.headers.get('content-type')).toContain('application/problem+json');
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="switchyard-admin"');
      expect(await none.json()).toMatchObject({ status: 401, title: 'Authentication required' });

      for (const wrong of [`${testAdminToken.slice(0, -1)}x`, testAdminToken.slice(1), 'x']) {
        const refused = await fetch(`${adminUrl}/admin/consumers`, {
          headers: { authorization: `Bearer ${wrong}` },
        });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
        expect(await refused.json()).toMatchObject({ title: 'Invalid admin token' });
      }
    });

    it('answers 200 with the token', async () => {
      const response = await fetch(`${adminUrl}/admin/consumers`, adminRequest());
      expect(response.status).toBe(200);
      expect(Array.isArray(await response.json())).toBe(true);
    });

    it('is not on the public port when ADMIN_PORT is set (404), and the admin port serves the dashboard too', async () => {
      const response = await fetch(`${gateway.url}/admin/consumers`, adminRequest());
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((await fetch(`${adminUrl}/`)).status).toBe(200);
    });

    it('is off (403) on a gateway without ADMIN_TOKEN, whatever is sent', async () => {
      const response = await fetch(`${strict.url}/admin/consumers`, adminRequest());
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ title: 'Admin API disabled' });
    });
  });

  describe('cross-site requests', () => {
    it('refuses a plain HTML form posted from another site (403), token or not', async () => {
      for (const headers of [{}, adminHeaders()]) {
        const response = await fetch(`${adminUrl}/admin/consumers/payments/pause`, {
          method: 'POST',
          // What a <form method=post> on https://evil.example sends.
          headers: {
            ...headers,
            origin: 'https://evil.example',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'service=payments',
        });
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ title: 'Cross-site request refused' });
      }
    });

    it('refuses an Origin that is not the gateway’s own nor allowed, on public routes too', async () => {
      const response = await fetch(`${gateway.url}/orders`, {
        method: 'POST',
        headers: { origin: 'http://localhost:9999', 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'c', region: 'eu-west', items: [] }),
      });
      expect(response.status).toBe(403);
    });

    it('refuses an admin POST that is not JSON (415), even from the same origin with the token', async () => {
      const response = await fetch(`${adminUrl}/admin/consumers/payments/pause`, {
        method: 'POST',
        headers: adminHeaders({
          origin: adminUrl,
          'content-type': 'application/x-www-form-urlencoded',
        }),
        body: 'service=payments',
      });
      expect(response.status).toBe(415);
    });

    it('lets the gateway’s own origin and a configured one through to the route', async () => {
      for (const origin of [adminUrl, 'https://ops.example.com']) {
        const response = await fetch(`${adminUrl}/admin/consumers/payments/pause`, {
          ...adminRequest('POST'),
          headers: adminHeaders({ origin, 'content-type': 'application/json' }),
        });
        // Past the edge: nobody runs payments here, so the control plane's own answer.
        expect({ origin, status: response.status }).toEqual({ origin, status: 503 });
        expect(await response.json()).toMatchObject({ title: 'No instance answered' });
      }
    });
  });

  it('answers the rate limit with a 429 problem and Retry-After; probes are exempt', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${strict.url}/healthz`)).status).toBe(200);
    // One request was the 403 above (or is about to be: tests share the window); spend the rest.
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4 && !limited; i++) {
      const response = await fetch(`${strict.url}/docs/openapi.json`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(limited).toBeDefined();
    expect(limited!.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited!.json()).toMatchObject({ status: 429, title: 'Too many requests' });
    // Another client behind the trusted proxy has a budget of its own.
    const other = await fetch(`${strict.url}/docs/openapi.json`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(other.status).toBe(200);
  });

  it('cuts a client that sends its request too slowly: 408, and the connection closed', async () => {
    const { hostname, port } = new URL(gateway.url);
    const socket = connect({ host: hostname, port: Number(port) });
    const answer = new Promise<string>((resolve) => {
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
    });
    const started = Date.now();
    // Headers promise 100 bytes; one arrives, the rest never does (slow loris).
    socket.write(
      `POST /orders HTTP/1.1\r\nHost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`,
    );
    const received = await answer;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // HTTP_REQUEST_TIMEOUT_MS is 1 s here; Node checks four times per limit.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('sends security headers and a Content Security Policy with the dashboard', async () => {
    const response = await fetch(`${gateway.url}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('tells a client of a server error only a generic detail and the correlation id', async () => {
    // No orders service: NATS "no responders" (its message names the subject).
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'edge-503' },
      body: JSON.stringify({
        customerId: 'c-1',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      }),
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { detail: string; correlationId: string };
    expect(body.correlationId).toBe('edge-503');
    expect(body.detail).toBe(
      'The service cannot do this right now; retry later. Correlation id: edge-503.',
    );
    expect(JSON.stringify(body)).not.toContain(suite.namespace);
  });

  describe('the live feed', () => {
    const notification = (region: string): OrderNotification => ({
      event: 'placed',
      orderId: randomUUID(),
      region,
      status: 'PLACED',
      eventId: randomUUID(),
      version: 1,
      occurredAt: new Date().toISOString(),
    });

    it('shows the public neither order ids nor reasons; the admin feed shows them', async () => {
      const publicFeed = openEventStream(`${gateway.url}/events`);
      const adminFeed = openEventStream(`${adminUrl}/admin/events`, adminHeaders());
      await Promise.all([publicFeed.ready, adminFeed.ready]);
      const sent = {
        ...notification('eu-west'),
        event: 'cancelled' as const,
        status: 'CANCELLED' as const,
        reason: 'payment declined: card declined (test card)',
      };
      nc.publish(
        names.nats.subjects.orderNotification('eu-west', 'cancelled'),
        JSON.stringify(sent),
      );
      const orderEvent = (events: typeof publicFeed.events) =>
        events.find((event) => event.event === 'order')?.data;
      const shown = await waitFor('the public feed to show it', () =>
        orderEvent(publicFeed.events),
      );
      const full = await waitFor('the admin feed to show it', () => orderEvent(adminFeed.events));
      publicFeed.close();
      adminFeed.close();

      expect(shown).not.toContain(sent.orderId);
      expect(shown).not.toContain('declined');
      expect(Object.keys(JSON.parse(shown) as object).sort()).toEqual([
        'event',
        'occurredAt',
        'orderRef',
        'region',
        'status',
        'version',
      ]);
      expect(JSON.parse(full)).toEqual(sent);
      expect((await fetch(`${gateway.url}/admin/events`)).status).toBe(404);
      expect((await fetch(`${adminUrl}/admin/events`)).status).toBe(401);
    });

    it('caps streams per client address (429) and in all (503); a closed one frees its place', async () => {
      await waitFor('earlier streams to be gone', async () => (await liveFeed()).clients === 0);
      const url = `${gateway.url}/events`;
      open.push(await openFeed(url, '127.0.0.1'), await openFeed(url, '127.0.0.1'));
      // A client cannot claim another address: this gateway trusts no proxy.
      const third = await openFeed(url, '127.0.0.1', { 'x-forwarded-for': '203.0.113.7' });
      expect(third.status).toBe(429);
      expect(third.headers['content-type']).toContain('application/problem+json');
      expect(third.headers['retry-after']).toBeDefined();

      open.push(await openFeed(url, '127.0.0.2'));
      const overall = await openFeed(url, '127.0.0.3');
      expect(overall.status).toBe(503);
      expect(JSON.parse(overall.body)).toMatchObject({ title: 'Too many live-feed clients' });

      open.shift()!.close();
      await waitFor(
        'the closed stream to free its place',
        async () => (await liveFeed()).clients === 2,
      );
      const again = await openFeed(url, '127.0.0.3');
      expect(again.status).toBe(200);
      open.push(again);
      for (const connection of open.splice(0)) connection.close();
    });

    it('holds one NATS subscription per subject however many streams are open, counted by the server', async () => {
      await waitFor('earlier streams to be gone', async () => (await liveFeed()).clients === 0);
      const streams = [
        await openFeed(`${gateway.url}/events`, '127.0.0.4'),
        await openFeed(`${gateway.url}/events?region=eu-west`, '127.0.0.5'),
        await openFeed(`${adminUrl}/admin/events`, '127.0.0.6', adminHeaders()),
      ];
      open.push(...streams);
      expect(streams.map((stream) => stream.status)).toEqual([200, 200, 200]);
      const { allOrderNotifications, allRebuildProgress } = names.nats.subjects;
      // The gateway's plain connection is named `gateway` (its request-reply client is another).
      expect(await nats.subscriptions('gateway', allOrderNotifications)).toBe(1);
      expect(await nats.subscriptions('gateway', allRebuildProgress)).toBe(1);
      expect(await liveFeed()).toMatchObject({ clients: 3, subscriptions: 2 });
      for (const stream of streams) stream.close();
    });
  });

  it('never writes a credential into its log', async () => {
    // A logged request (the dashboard's page) and an admin one, with every credential header.
    for (const url of [`${gateway.url}/`, `${adminUrl}/admin/consumers`]) {
      const response = await fetch(url, {
        headers: adminHeaders({ cookie: 'session=cookie-secret', 'x-api-key': 'api-key-secret' }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const logged = await waitFor('the page request to be logged', () =>
      gateway
        .lines()
        .find((line) => line.includes('"url":"/"') && line.includes('"authorization"')),
    );
    expect(JSON.parse(logged)).toMatchObject({
      req: {
        headers: {
          authorization: '[redacted]',
          cookie: '[redacted]',
          'x-api-key': '[redacted]',
        },
      },
    });
    const everything = gateway.lines().join('\n');
    expect(everything).not.toContain(testAdminToken);
    expect(everything).not.toContain('cookie-secret');
    expect(everything).not.toContain('api-key-secret');
  });

  async function liveFeed(): Promise<{ clients: number; subscriptions: number }> {
    const response = await fetch(`${gateway.url}/api/overview`);
    return ((await response.json()) as { liveFeed: { clients: number; subscriptions: number } })
      .liveFeed;
  }
});
