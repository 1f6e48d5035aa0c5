import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

export const InventoryEnvSchema = CommonEnvSchema.extend({
  /** Load the demo catalog's stock at start-up (only SKUs that have no stock entry yet). */
  INVENTORY_SEED_DEMO_CATALOG: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * How many of its last changes each `stock.<sku>` value records (12-character digests and
   * the revision each read, ~27 bytes each in the value): a change made again after more changes than this to the
   * same SKU (a retry long after, on a very busy SKU) can no longer be told apart and is
   * left out, on the side of under-selling (ADR 0032). 256 ≈ 7 KB a value: at 25 changes
   * a second to one SKU, ten seconds of them; size the bucket for it (`maxBytes`).
   */
  INVENTORY_STOCK_CHANGES_KEPT: z.coerce.number().int().min(16).max(10_000).default(256),
});

export const config = loadConfig(InventoryEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
