import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

export const InventoryEnvSchema = CommonEnvSchema.extend({
  /** Load the demo catalog's stock at start-up (only SKUs that have no stock entry yet). */
  INVENTORY_SEED_DEMO_CATALOG: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
});

export const config = loadConfig(InventoryEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
