import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Topology } from '@switchyard/contracts';
import { ensureKvBucket } from '@switchyard/messaging';
import { DRILL_PRICE_CENTS, DRILL_STOCK } from '../load/order-mix';

/**
 * Seeds the drill catalog straight into the inventory's KV bucket before inventory
 * starts (with `INVENTORY_SEED_DEMO_CATALOG=false`), in the format inventory keeps:
 * `stock.<sku>` → `{ available, priceCents }`. Same bucket declaration as inventory's,
 * replicas included (1 on the drills' single server, 3 on their clusters).
 */
export async function seedDrillStock(
  nc: NatsConnection,
  names: Topology,
  replicas: number,
): Promise<void> {
  const kv = await ensureKvBucket(jetstream(nc), names.nats.kv.inventory, {
    replicas,
    logger: { log() {}, warn() {} },
    // As inventory reads it: from the stream leader, never a replica behind it.
    reads: 'leader',
  });
  for (const [sku, available] of Object.entries(DRILL_STOCK)) {
    await kv.create(`stock.${sku}`, JSON.stringify({ available, priceCents: DRILL_PRICE_CENTS }));
  }
}
