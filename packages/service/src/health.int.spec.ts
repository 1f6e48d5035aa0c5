import { randomBytes } from 'node:crypto';
import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { GroupMembership } from '@switchyard/messaging';
import { connectNats, ensurePullConsumer, ensureStream } from '@switchyard/messaging';
import { OwnedConsumers } from './consumers/owned-consumers';
import { HealthModule } from './health';
import { MetricsModule } from './metrics';
import { JETSTREAM_MANAGER, NatsConnectionModule, NatsReadiness } from './nats.module';

// This package sits below the testkit, so it reads the server address itself (same default).
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

interface HealthBody {
  status: string;
  reason?: string;
  info?: Record<string, { status: string }>;
  error?: Record<string, { status: string; membership?: string }>;
}

/**
 * A service with one JetStream durable that exists, one that does not (yet), and one
 * Kafka group whose membership the test sets: readiness and liveness must say so.
 */
describe('health with terminus (real NATS)', () => {
  const suffix = randomBytes(5).toString('hex').toUpperCase();
  const stream = `T${suffix}_HEALTH`;
  let membership: GroupMembership = 'member';
  let app: NestFastifyApplication;
  let base: string;
  let nc: NatsConnection;

  @Injectable()
  class DeclaresConsumers implements OnApplicationBootstrap {
    constructor(private readonly owned: OwnedConsumers) {}
    onApplicationBootstrap() {
      // Declared the way ConsumerMonitor declares them.
      this.owned.addKafka({
        groupId: 'g',
        topic: 't',
        membership: () => membership,
        lag: async () => [],
      });
    }
  }

  beforeAll(async () => {
    nc = await connectNats({ settings: { NATS_URL: url }, name: 'health-test' });
    const jsm = await jetstreamManager(nc);
    await ensureStream(
      jsm,
      {
        name: stream,
        subjects: [`t${suffix}.health`],
        duplicateWindowMs: 60_000,
        maxAgeMs: 0,
        maxBytes: 1024 * 1024,
        discard: 'old',
      },
      { replicas: 1, logger: { log() {}, warn() {} } },
    );
    await ensurePullConsumer(jsm, stream, {
      durable_name: 'PRESENT',
      max_deliver: 3,
      ack_wait: nanos(30_000),
    });

    @Module({
      imports: [
        MetricsModule.forRoot({ service: 'health-test' }),
        NatsConnectionModule.forRoot({ settings: { NATS_URL: url }, name: 'health-test' }),
        HealthModule.forChecks([NatsReadiness]),
      ],
      providers: [DeclaresConsumers],
    })
    class TestModule {}

    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const owned = app.get(OwnedConsumers);
    owned.addJetStream({
      jsm: app.get<JetStreamManager>(JETSTREAM_MANAGER),
      stream,
      durable: 'PRESENT',
    });
    const address = app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };

  it('is ready when NATS answers, the durable exists and the instance is in its group', async () => {
    const { status, body } = await get('/readyz');

    expect(status).toBe(200);
    expect(body.info).toMatchObject({
      nats: { status: 'up' },
      'jetstream-consumer:PRESENT': { status: 'up' },
      'kafka-group:g': { status: 'up' },
    });
  });

  it('is unready while a durable it runs does not exist, naming it', async () => {
    app.get(OwnedConsumers).addJetStream({
      jsm: app.get<JetStreamManager>(JETSTREAM_MANAGER),
      stream,
      durable: 'ABSENT',
    });

    const { status, body } = await get('/readyz');

    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(body.error?.['jetstream-consumer:ABSENT']?.status).toBe('down');
    // The other indicators still report
    expect(body.info?.['jetstream-consumer:PRESENT']?.status).toBe('up');
  });

  it('is unready while out of its Kafka group, and not alive once its consumer crashed for good', async () => {
    membership = 'joining';
    expect((await get('/readyz')).status).toBe(503);
    expect((await get('/healthz')).status).toBe(200);

    membership = 'crashed';
    const live = await get('/healthz');
    expect(live.status).toBe(503);
    expect(live.body.error?.['kafka-consumer:g']).toMatchObject({
      status: 'down',
      membership: 'crashed',
    });
    membership = 'member';
  });

  it('turns unready first on shutdown', async () => {
    const closing = app.close();
    const { status, body } = await get('/readyz');
    await closing;

    expect(status).toBe(503);
    expect(body.reason).toBe('shutting down');
  });
});
