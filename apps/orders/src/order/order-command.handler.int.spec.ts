import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import { createMetricsRegistry, PublishMetrics } from '@switchyard/service';
import { anOrderPlaced, cleanupNamespace, testEnv, uniqueNamespace } from '@switchyard/testkit';

// Subjects are resolved from the environment at import time (as in production).
const namespace = uniqueNamespace();
process.env.SWITCHYARD_NAMESPACE = namespace;
/* eslint-disable @typescript-eslint/no-require-imports */
const { OrderEventStore } =
  require('../event-store/order-event-store') as typeof import('../event-store/order-event-store');
const { OrderCommandHandler } =
  require('./order-command.handler') as typeof import('./order-command.handler');
/* eslint-enable @typescript-eslint/no-require-imports */

describe('OrderCommandHandler on JetStream: load once, decide, append', () => {
  let nc: NatsConnection;
  let store: InstanceType<typeof OrderEventStore>;
  let orders: InstanceType<typeof OrderCommandHandler>;

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'order-command-int-test' });
    store = new OrderEventStore(
      jetstream(nc),
      await jetstreamManager(nc),
      new PublishMetrics(createMetricsRegistry('orders-command-test')),
    );
    await store.onModuleInit();
    orders = new OrderCommandHandler(store);
  });

  afterAll(async () => {
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  const place = async () => {
    const placed = anOrderPlaced();
    await store.append(placed, { expectedLastSequence: 0, messageId: randomUUID() });
    return placed;
  };

  it('folds the stored stream: an unknown order, then open, then ended with its OrderPlaced', async () => {
    expect(await store.load(randomUUID())).toEqual({ state: { status: 'unknown' }, sequence: 0 });
    const placed = await place();
    const open = await store.load(placed.aggregateId);
    expect(open.state).toEqual({ status: 'open', placed, version: 1 });
    const { appended } = await orders.handle(placed.aggregateId, {
      type: 'ConfirmOrder',
      cause: placed,
    });
    const ended = await store.load(placed.aggregateId);
    expect(ended.state).toEqual({ status: 'ended', placed, version: 2, ending: appended[0] });
    expect(ended.sequence).toBeGreaterThan(open.sequence);
  });

  it('given a confirm and a cancel racing, when both run, then exactly one ends the order and the other appends nothing', async () => {
    const placed = await place();
    const [confirm, cancel] = await Promise.all([
      orders.handle(placed.aggregateId, { type: 'ConfirmOrder', cause: placed }),
      orders.handle(placed.aggregateId, {
        type: 'CancelOrder',
        cause: placed,
        reason: 'timed out',
      }),
    ]);
    expect(confirm.appended.length + cancel.appended.length).toBe(1);
    // The loser reloaded and saw the winner's ending: both report the same final state.
    expect(confirm.state).toEqual(cancel.state);
    const { state } = await store.load(placed.aggregateId);
    expect(state).toMatchObject({ status: 'ended', version: 2 });
  });
});
