import { StorageType, type JetStreamClient, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/transport-node';
import type { KvBucketDefinition } from '@switchyard/contracts';
import {
  describeLimits,
  limitsOf,
  reconcileStream,
  streamExists,
  type EnsureOptions,
} from './streams';
import { declareThroughOutage } from './outage';

/** The stream JetStream keeps a KV bucket in. */
export const kvStreamName = (bucket: string) => `KV_${bucket}`;

/** The backing stream's settings a bucket declares (pure: unit-tested). */
export function kvStreamConfigOf(
  definition: KvBucketDefinition,
  replicas: number,
): Partial<StreamConfig> {
  return {
    ...limitsOf(definition, replicas),
    max_msgs_per_subject: definition.history,
    duplicate_window: nanos(
      definition.maxAgeMs > 0
        ? Math.min(definition.duplicateWindowMs, definition.maxAgeMs)
        : definition.duplicateWindowMs,
    ),
  };
}

/**
 * ### Open a KV bucket with the declared limits: created, or corrected and logged.
 *
 * `Kvm.create` creates a missing bucket, but opens an existing one as it is: a bucket
 * made by an older release (no size limit, another TTL, 1 replica on what is now a
 * cluster) would keep those settings for ever. So an existing bucket's stream is
 * reconciled first, exactly like `ensureStream` does for a stream (each change logged as
 * `field: old → new`, nothing sent when equal).
 */
export async function ensureKvBucket(
  js: JetStreamClient,
  definition: KvBucketDefinition,
  options: EnsureOptions & {
    /**
     * Where `get` reads. `nearest` (nats.js's default on 2.9+): a direct get that any replica
     * may answer, fast but possibly a moment behind the leader, and on nats-server before
     * 2.9.17 also from a replica still catching up after a restart (nats-server#4162).
     * `leader`: the stream leader answers, so a read sees every acknowledged write. Use it
     * where a read decides something a compare-and-set cannot catch: "there is no such
     * key, so nothing to do" is never retried.
     */
    reads?: 'nearest' | 'leader';
  },
): Promise<KV> {
  const jsm = await js.jetstreamManager();
  const stream = kvStreamName(definition.name);
  const wanted: Partial<StreamConfig> = {
    ...kvStreamConfigOf(definition, options.replicas),
    // Imposed on an existing bucket too: one made with direct gets (nats.js's default; the
    // drills' own seeding did it) kept them, and an instance connected to a replica still
    // catching up after a restart read a stale revision on every try: each compare-and-set
    // lost, 50 times, for minutes (the cluster drill's NATS rolling restart).
    ...(options.reads === 'leader' ? { allow_direct: false } : {}),
  };
  return declareThroughOutage(async () => {
    const existed = await streamExists(jsm, stream);
    if (existed) await reconcileStream(jsm, stream, wanted, options.logger, 'KV bucket stream');
    const bucket = await new Kvm(js).create(definition.name, {
      history: definition.history,
      ttl: definition.maxAgeMs,
      max_bytes: definition.maxBytes,
      replicas: options.replicas,
      storage: StorageType.File,
      ...(options.reads === 'leader' ? { allow_direct: false } : {}),
    });
    if (!existed) {
      // nats.js chose the rest (discard new, rollups, direct get); the dedupe window is ours.
      await reconcileStream(jsm, stream, wanted, { log() {}, warn() {} }, 'KV bucket stream');
      options.logger.log(`KV bucket ${definition.name} created (${describeLimits(wanted)})`);
    }
    return bucket;
  });
}
