import { availableParallelism } from 'node:os';
import {
  CommonEnvSchema,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
  postgresEnvSchema,
  REBUILDER_DATABASE_ROLE,
} from '@switchyard/config';
import { catalog, topology } from '@switchyard/contracts';
import { z } from 'zod';

export const RebuilderEnvSchema = CommonEnvSchema.extend({
  ...KafkaTopicsEnvSchema.shape,
  ...postgresEnvSchema(REBUILDER_DATABASE_ROLE).shape,
  /** `serve` mode: a rebuild that has not caught up after this long fails (live untouched). */
  REBUILD_TIMEOUT_MS: z.coerce.number().int().positive().default(3_600_000),
  /**
   * How long the broker may hold a replay fetch that found nothing: the replay waits for
   * the fetch in flight when it stops, so this is added to every rebuild's end.
   */
  REBUILD_FETCH_MAX_WAIT_MS: z.coerce.number().int().min(0).default(100),
  /**
   * Bytes per partition per replay fetch: bigger batches mean fewer transactions, and more
   * memory in flight. 512 KiB: with worker threads, 1 MiB was ~3 % faster and ~60 MiB
   * higher at peak, and its peak RSS at 1M events came to 1.15–1.21× the peak at 100k
   * (issue #4 allows 1.2); 512 KiB measured 1.11–1.16 (ADR 0020).
   */
  REBUILD_FETCH_MAX_BYTES_PER_PARTITION: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(512 * 1024),
  /**
   * Worker threads that parse, validate, fold and write the replayed batches (at most one
   * per partition). The main thread keeps only the Kafka consumer. Default: one per core.
   */
  REBUILD_WORKERS: z.coerce.number().int().min(1).default(availableParallelism()),
});

export const config = loadConfig(RebuilderEnvSchema);
export const TOPOLOGY = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });

/** What flows where in this namespace: routes, channels, events, subscriptions. */
export const CATALOG = catalog(TOPOLOGY);
