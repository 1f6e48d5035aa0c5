import { randomBytes, randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { catalog, topology, type PaymentRequested } from '@switchyard/contracts';
import { silentObserver } from '@switchyard/messaging';
import { ConsumerRegistry } from './consumer-registry';
import { JetStreamConsumerHost } from './jetstream-consumer-host';
import type { ConsumerMonitor } from '../metrics/consumer-monitor';

// This package sits below the testkit, so it reads the server address itself (same default).
const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

async function until<T>(what: string, probe: () => Promise<T | false>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * ### A consumer waits out an outage instead of spending its deliveries on it.
 *
 * The payments worker's subscription, hosted the way the app hosts it, on the real
 * server, in a namespace of its own. Its handler publishes to a stream that does not
 * exist yet: the publish gets "no responders", which is what a publish meets while a
 * replicated stream elects its leader (the cluster drill's ORDERS leader kill). The
 * stream appears a few seconds later, long after the runner's backoff (250 ms, 500 ms)
 * would have spent `maxDeliver` 2 deliveries. Before the fix the request was
 * dead-lettered ("gave up after 2 deliveries: JetStreamNotEnabled"); now it is handled
 * on its first delivery.
 */
describe('JetStreamConsumerHost through an outage', () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const names = topology(namespace);
  const { paymentsWorker } = catalog(names).subscriptions;
  const outcomes = { name: `${namespace.toUpperCase()}_OUTCOMES`, subject: `${namespace}.outcome` };
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let host: JetStreamConsumerHost;

  beforeAll(async () => {
    nc = await connect({ servers, name: `${namespace}-outage-hold` });
    jsm = await jetstreamManager(nc);
    const monitor = { jetStream: () => silentObserver } as unknown as ConsumerMonitor;
    host = new JetStreamConsumerHost(
      jetstream(nc),
      jsm,
      { route: catalog(names).broadcasts.consumerControl, service: 'payments' },
      new ConsumerRegistry(),
      monitor,
    );
    await host.ensureStreams([names.nats.streams.payments, names.nats.streams.deadLetters], 1);
  });

  afterAll(async () => {
    await host?.onApplicationShutdown();
    for (const stream of [
      names.nats.streams.payments.name,
      names.nats.streams.deadLetters.name,
      names.nats.streams.redrives.name,
      outcomes.name,
    ])
      await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
  });

  it('given a handler whose publish finds no stream leader, when the stream comes back within the hold, then the message is handled on its first delivery and nothing is dead-lettered', async () => {
    const deliveries: number[] = [];
    const js = jetstream(nc);
    await host.consume(
      paymentsWorker,
      {
        PaymentRequested: async (request, message) => {
          deliveries.push(message.info.deliveryCount);
          await js.publish(outcomes.subject, JSON.stringify(request.data), {
            msgID: request.data.orderId,
          });
        },
      },
      { maxDeliver: 2, ackWaitMs: 5_000, batchSize: 1 },
    );
    const request: PaymentRequested = {
      eventId: randomUUID(),
      type: 'PaymentRequested',
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      correlationId: randomUUID(),
      causationId: null,
      headers: {},
      data: { orderId: randomUUID(), customerId: 'c-1', amountCents: 100, currency: 'EUR' },
    };
    await js.publish(names.nats.subjects.paymentRequested, JSON.stringify(request));
    // The handler ran and its publish failed: the outage has begun.
    await until('the first attempt', async () => deliveries.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await jsm.streams.add({ name: outcomes.name, subjects: [outcomes.subject] });

    const stored = await until('the outcome stored', async () => {
      const info = await jsm.streams.info(outcomes.name);
      return info.state.messages > 0 && info.state.messages;
    });
    expect(stored).toBe(1);
    // Tried again and again through the outage, all on its first delivery, then acked.
    expect(deliveries.length).toBeGreaterThan(1);
    expect(new Set(deliveries)).toEqual(new Set([1]));
    await until(
      'the request acked',
      async () => (await jsm.streams.info(names.nats.streams.payments.name)).state.messages === 0,
    );
    const deadLetters = await jsm.streams.info(names.nats.streams.deadLetters.name);
    expect(deadLetters.state.messages).toBe(0);
  });
});
