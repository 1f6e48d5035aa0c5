import { CommonEnvSchema, loadConfig } from '@switchyard/config';
import { topology } from '@switchyard/contracts';
import { z } from 'zod';

export const RebuilderEnvSchema = CommonEnvSchema.extend({
  /** `serve` mode: a rebuild that has not caught up after this long fails (live untouched). */
  REBUILD_TIMEOUT_MS: z.coerce.number().int().positive().default(3_600_000),
});

export const config = loadConfig(RebuilderEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE);
