import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import { LocalCluster, TestNamespace } from '@switchyard/testkit';
import { inventoryRequests } from './__tests__/inventory-requests';

/**
 * ### Stock on a 3-node NATS cluster, its bucket replicated 3 times: exact, as on one server.
 *
 * The cluster drill found units for sale that had been sold: on a replicated stream,
 * nats-server 2.9 checks a compare-and-set's expected revision before the write is
 * replicated, not against writes still in flight, so two instances that read the same
 * revision could both win and the second overwrote the first's take (nats-server#4320).
 * This is that race on its own, without a fault: two inventory processes on different
 * nodes, many reservations of one SKU at once. Before `SerialKv` it oversold (seen here:
 * more reservations than units, and units left over).
 */
describe('ReserveStock / ReleaseStock on a NATS cluster (R3)', () => {
  const suite = new TestNamespace('t', { INVENTORY_SEED_DEMO_CATALOG: 'false' });
  const { names } = suite;
  let dir: string;
  let cluster: LocalCluster;
  let nc: NatsConnection;
  let bucket: KV;

  // A generous wait: 300 reservations of one SKU queue behind each other's compare-and-sets.
  const requests = () => inventoryRequests(nc, names, { timeoutMs: 60_000 });
  const reserve = (orderId: string, sku: string, quantity = 1) =>
    requests().reserve(orderId, sku, quantity);
  const release = (orderId: string) => requests().release(orderId);
  const availableOf = async (sku: string) => {
    const reply = await requests().stockOf(sku);
    return reply && 'available' in reply ? reply.available : undefined;
  };
  // As inventory seeds a SKU: a new key whose record of changes is complete (empty).
  const seed = (sku: string, available: number) =>
    bucket.create(
      `stock.${sku}`,
      JSON.stringify({ available, priceCents: 250, changes: [], forgottenThrough: 0 }),
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inventory-cluster-'));
    cluster = await LocalCluster.start('nats', dir);
    const urls = cluster.addresses.split(',');
    // Each instance on its own node first: the race is between writers behind different
    // servers, as in a deployment (the rest of the list is where each fails over to).
    await Promise.all(
      ['inventory-a', 'inventory-b'].map((label, index) =>
        suite.startOne({
          app: 'inventory',
          label,
          env: {
            NATS_URL: [...urls.slice(index), ...urls.slice(0, index)].join(','),
            JETSTREAM_REPLICAS: '3',
          },
        }),
      ),
    );
    nc = await connectNats({
      settings: { NATS_URL: cluster.addresses },
      name: 'inventory-cluster-test',
    });
    bucket = await new Kvm(nc).open(names.nats.kv.inventory.name);
  }, 120_000);

  afterAll(async () => {
    await nc?.close();
    await suite.close();
    await cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('never oversells: 300 concurrent reservations of a SKU with stock 100 → exactly 100, none left', async () => {
    const sku = `R3-${randomUUID().slice(0, 8)}`;
    await seed(sku, 100);

    const replies = await Promise.all(
      Array.from({ length: 300 }, () => reserve(randomUUID(), sku)),
    );

    expect(replies.filter((reply) => reply.err !== undefined)).toEqual([]);
    const reserved = replies.filter((reply) => reply.response!.outcome === 'reserved');
    expect(reserved).toHaveLength(100);
    expect(await availableOf(sku)).toBe(0);
  });

  it('gives back exactly what was taken: 60 reservations, each released three times at once', async () => {
    const sku = `R3R-${randomUUID().slice(0, 8)}`;
    await seed(sku, 1_000);
    const orders = Array.from({ length: 60 }, () => randomUUID());
    const reservations = await Promise.all(orders.map((orderId) => reserve(orderId, sku, 2)));
    expect(reservations.map((reply) => reply.response?.outcome)).toEqual(
      orders.map(() => 'reserved'),
    );
    expect(await availableOf(sku)).toBe(1_000 - 120);

    const releases = await Promise.all(
      orders.flatMap((orderId) => [release(orderId), release(orderId), release(orderId)]),
    );

    // Of the three releases of each order exactly one released it; the others found it
    // released (or, while the first was still giving back, were asked to retry).
    for (const attempt of releases.filter((reply) => reply.err))
      expect(attempt.err).toMatchObject({ status: 409 });
    const released = releases.filter((reply) => reply.response?.outcome === 'released');
    expect(released).toHaveLength(60);
    expect(await availableOf(sku)).toBe(1_000);
  });
});
