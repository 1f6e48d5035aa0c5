import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Topology } from '@switchyard/contracts';
import { DRILL_PRICE_CENTS, DRILL_STOCK } from '../load/order-mix';

/**
 * Seeds the drill catalog straight into the inventory's KV bucket before inventory
 * starts (with `INVENTORY_SEED_DEMO_CATALOG=false`), in the format inventory keeps:
 * `stock.<sku>` → `{ available, priceCents }`. Same bucket options as inventory's.
 */
export async function seedDrillStock(nc: NatsConnection, names: Topology): Promise<void> {
  const kv = await new Kvm(nc).create(names.nats.kv.inventory, { history: 10 });
  for (const [sku, available] of Object.entries(DRILL_STOCK)) {
    await kv.create(`stock.${sku}`, JSON.stringify({ available, priceCents: DRILL_PRICE_CENTS }));
  }
}
