import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import { createMetricsRegistry, PublishMetrics } from '@switchyard/service';
import { anOrderPlaced, cleanupNamespace, testEnv, uniqueNamespace } from '@switchyard/testkit';

// The store resolves its subjects from the environment at import time (as in production),
// so the namespace is set before the module is loaded.
const namespace = uniqueNamespace();
process.env.SWITCHYARD_NAMESPACE = namespace;
type StoreModule = typeof import('./order-event-store');
/* eslint-disable-next-line @typescript-eslint/no-require-imports */ const storeModule =
  require('./order-event-store') as StoreModule;
const { OrderEventStore, ConcurrencyConflictError } = storeModule;

describe('OrderEventStore on JetStream', () => {
  let nc: NatsConnection;
  let store: InstanceType<typeof OrderEventStore>;
  const registry = createMetricsRegistry('orders-test');
  /** `switchyard_messages_published_total` for the stream, as `/metrics` would show it. */
  const publishedCount = async () => {
    const metric = await registry.getSingleMetric('switchyard_messages_published_total')?.get();
    return metric?.values.find((value) => value.labels.transport === 'jetstream')?.value ?? 0;
  };

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'event-store-int-test' });
    store = new OrderEventStore(
      jetstream(nc),
      await jetstreamManager(nc),
      new PublishMetrics(registry),
    );
    await store.onModuleInit();
  });

  afterAll(async () => {
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  it('stores a duplicate Nats-Msg-Id once, returns the first event, and counts one message out', async () => {
    const before = await publishedCount();
    const orderId = randomUUID();
    const messageId = randomUUID();
    const first = await store.append(anOrderPlaced({ aggregateId: orderId }), {
      expectedLastSequence: 0,
      messageId,
    });
    const second = await store.append(anOrderPlaced({ aggregateId: randomUUID() }), {
      expectedLastSequence: 0,
      messageId,
    });

    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.sequence).toBe(first.sequence);
    expect(second.stored.aggregateId).toBe(orderId);
    // Messages out counts what the stream stored: the duplicate stored nothing.
    expect((await publishedCount()) - before).toBe(1);
  });

  it('rejects an append whose expected last subject sequence is stale', async () => {
    const orderId = randomUUID();
    const placed = await store.append(anOrderPlaced({ aggregateId: orderId }), {
      expectedLastSequence: 0,
      messageId: randomUUID(),
    });

    // A second writer that still believes the order has no events:
    await expect(
      store.append(anOrderPlaced({ aggregateId: orderId, aggregateVersion: 2 }), {
        expectedLastSequence: 0,
        messageId: randomUUID(),
      }),
    ).rejects.toBeInstanceOf(ConcurrencyConflictError);

    // The writer that saw the latest sequence succeeds.
    const next = await store.append(anOrderPlaced({ aggregateId: orderId, aggregateVersion: 2 }), {
      expectedLastSequence: placed.sequence,
      messageId: randomUUID(),
    });
    expect(next.duplicate).toBe(false);
    expect(next.sequence).toBeGreaterThan(placed.sequence);
  });
});
