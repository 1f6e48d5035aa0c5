import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { catalog, topology } from '@switchyard/contracts';
import { connectNats, serveConsumerControl, type PausableConsumer } from '@switchyard/messaging';
import { RequestReplyClient } from './request-reply.client';
import { RequestReplyModule } from './request-reply.module';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = { log() {}, warn() {}, error() {} };

/** A consumer that only remembers whether it is paused. */
const consumer = (name: string): PausableConsumer => {
  let paused = false;
  return {
    name,
    get isPaused() {
      return paused;
    },
    pause: async () => void (paused = true),
    resume: () => void (paused = false),
  };
};

/**
 * The catalog's `consumerControl` broadcast route on real NATS, in its own namespace:
 * two instances of "payments" answer through the serving side the services run, a third
 * answers garbage; the gateway's client gathers them.
 */
describe('RequestReplyClient.gather: a broadcast route (real NATS)', () => {
  const names = topology(`t${randomBytes(5).toString('hex')}`);
  const route = catalog(names).broadcasts.consumerControl;
  let nc: NatsConnection;
  let app: INestApplicationContext;
  let client: RequestReplyClient;
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'broadcast-gather-int-test' });
    for (const instance of ['a', 'b']) {
      const owned = [consumer(`PAYMENTS_WORKER@${instance}`)];
      subscriptions.push(
        serveConsumerControl(nc, {
          subject: route.subject('payments'),
          service: 'payments',
          instance,
          consumers: () => owned,
          logger: quiet,
        }),
      );
    }
    await nc.flush();
    @Module({
      imports: [
        RequestReplyModule.forRoot({
          settings: { NATS_URL: url },
          app: 'gateway',
          timeoutMs: 3_000,
        }),
      ],
    })
    class GatewayLikeModule {}
    app = await NestFactory.createApplicationContext(GatewayLikeModule, { logger: false });
    client = app.get(RequestReplyClient);
  });

  afterAll(async () => {
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    await app?.close();
    await nc?.close();
  });

  it('gathers one validated reply per instance: until they stop coming, or until counted', async () => {
    const status = await client.gather(route, 'payments', { action: 'status' }, { stall: 250 });
    expect(status.map((reply) => reply.instance).sort()).toEqual(['a', 'b']);
    const paused = await client.gather(route, 'payments', { action: 'pause' }, { count: 2 });
    expect(paused).toHaveLength(2);
    for (const reply of paused)
      expect(reply.consumers).toEqual([{ consumer: expect.any(String), paused: true }]);
  });

  it('leaves out a reply that breaks the route’s schema, keeps the others', async () => {
    const liar = nc.subscribe(route.subject('payments'), {
      callback: (_error, message) => void message.respond(JSON.stringify({ nonsense: true })),
    });
    await nc.flush();
    try {
      const replies = await client.gather(route, 'payments', { action: 'status' }, { count: 3 });
      expect(replies.map((reply) => reply.instance).sort()).toEqual(['a', 'b']);
    } finally {
      liar.unsubscribe();
    }
  });

  it('answers zero replies when no instance runs (NATS "no responders"), at once', async () => {
    const started = Date.now();
    expect(await client.gather(route, 'bridge', { action: 'status' }, { stall: 250 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses an app the catalog does not list as a client', async () => {
    const notOurs = { ...route, clients: [] };
    await expect(
      client.gather(notOurs, 'payments', { action: 'status' }, { stall: 250 }),
    ).rejects.toThrow(/does not list gateway as a client of ConsumerControl/);
  });
});
