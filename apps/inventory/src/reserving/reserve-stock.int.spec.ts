import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  topology,
  type GetStockReply,
  type ReleaseStockReply,
  type ReserveStockReply,
} from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import {
  cleanupNamespace,
  nestRequest,
  startService,
  testEnv,
  uniqueNamespace,
  type ServiceProcess,
} from '@switchyard/testkit';

/** Two real inventory processes competing for the same stock on the real NATS server. */
describe('ReserveStock / ReleaseStock with two instances', () => {
  const namespace = uniqueNamespace();
  const names = topology(namespace);
  const instances: ServiceProcess[] = [];
  let nc: NatsConnection;
  let bucket: KV;

  const reserve = (orderId: string, sku: string, quantity = 1) =>
    nestRequest<ReserveStockReply>(
      nc,
      names.nats.subjects.reserveStock,
      { orderId, items: [{ sku, quantity }] },
      { timeoutMs: 30_000 },
    );
  const release = (orderId: string) =>
    nestRequest<ReleaseStockReply>(nc, names.nats.subjects.releaseStock, { orderId });
  const stockOf = async (sku: string) =>
    (await nestRequest<GetStockReply>(nc, names.nats.subjects.getStock, { sku })).response;
  const putStock = (sku: string, available: number) =>
    bucket.put(`stock.${sku}`, JSON.stringify({ available, priceCents: 250 }));

  beforeAll(async () => {
    const env = { SWITCHYARD_NAMESPACE: namespace, INVENTORY_SEED_DEMO_CATALOG: 'false' };
    instances.push(
      ...(await Promise.all([
        startService({ app: 'inventory', env, label: 'inventory-a' }),
        startService({ app: 'inventory', env, label: 'inventory-b' }),
      ])),
    );
    nc = await connectNats({ url: testEnv.NATS_URL, name: 'inventory-int-test' });
    bucket = await new Kvm(nc).open(names.nats.kv.inventory);
  });

  afterAll(async () => {
    await nc?.close();
    await Promise.all(instances.map((instance) => instance.stop()));
    await cleanupNamespace(namespace);
  });

  it('never oversells: 200 concurrent reservations of a SKU with stock 50 → exactly 50 succeed', async () => {
    const sku = `HOT-${randomUUID().slice(0, 8)}`;
    await putStock(sku, 50);

    const replies = await Promise.all(
      Array.from({ length: 200 }, () => reserve(randomUUID(), sku)),
    );

    expect(replies.filter((reply) => reply.err !== undefined)).toEqual([]);
    const outcomes = replies.map((reply) => reply.response!.outcome);
    expect(outcomes.filter((outcome) => outcome === 'reserved')).toHaveLength(50);
    expect(outcomes.filter((outcome) => outcome === 'rejected')).toHaveLength(150);
    expect(await stockOf(sku)).toEqual({ found: true, sku, available: 0, priceCents: 250 });
  });

  it('reserves once per order, however often the command is repeated, and releases once', async () => {
    const sku = `ONCE-${randomUUID().slice(0, 8)}`;
    await putStock(sku, 10);
    const orderId = randomUUID();

    const attempts = await Promise.all(Array.from({ length: 5 }, () => reserve(orderId, sku, 3)));
    // Concurrent duplicates either get the answer or "in progress, retry" (409)…
    const answered = attempts.filter((attempt) => attempt.response);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((attempt) => attempt.response!.outcome === 'reserved')).toBe(true);
    for (const attempt of attempts.filter((a) => a.err))
      expect(attempt.err).toMatchObject({ status: 409 });
    // …and a later retry gets the same answer, without taking stock again.
    expect((await reserve(orderId, sku, 3)).response).toEqual({
      outcome: 'reserved',
      orderId,
      totalCents: 750,
    });
    expect(await stockOf(sku)).toMatchObject({ available: 7 });

    const releases = await Promise.all([release(orderId), release(orderId), release(orderId)]);
    expect(releases.map((r) => r.response!.outcome).sort()).toEqual([
      'nothing-to-release',
      'nothing-to-release',
      'released',
    ]);
    expect(await stockOf(sku)).toMatchObject({ available: 10 });
  });

  it('rejects an order whose lines cannot all be served, and keeps nothing of it', async () => {
    const [plenty, scarce] = [`P-${randomUUID().slice(0, 8)}`, `S-${randomUUID().slice(0, 8)}`];
    await putStock(plenty, 100);
    await putStock(scarce, 1);
    const orderId = randomUUID();

    const reply = await nestRequest<ReserveStockReply>(nc, names.nats.subjects.reserveStock, {
      orderId,
      items: [
        { sku: plenty, quantity: 5 },
        { sku: scarce, quantity: 2 },
      ],
    });

    expect(reply.response).toEqual({
      outcome: 'rejected',
      orderId,
      reason: 'insufficient-stock',
      shortages: [{ sku: scarce, requested: 2, available: 1 }],
    });
    expect(await stockOf(plenty)).toMatchObject({ available: 100 });
    expect(await stockOf(scarce)).toMatchObject({ available: 1 });
    expect((await release(orderId)).response).toEqual({ orderId, outcome: 'nothing-to-release' });
  });

  it('rejects an unknown SKU, and a malformed command with field errors', async () => {
    const orderId = randomUUID();
    expect((await reserve(orderId, 'NO-SUCH-SKU')).response).toMatchObject({
      outcome: 'rejected',
      reason: 'unknown-sku',
    });
    const malformed = await nestRequest(nc, names.nats.subjects.reserveStock, { orderId: 'x' });
    expect(malformed.err).toMatchObject({ status: 400 });
  });
});
