import { nanos } from '@nats-io/transport-node';
import type { StreamDefinition } from '@switchyard/contracts';
import {
  AckPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';

function isNotFound(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamNotFound ||
      error.code === JetStreamApiCodes.ConsumerNotFound)
  );
}

/**
 * Create-or-update. `streams.add` with a different config for an existing name fails
 * (API error 10058), so deploying a changed stream config must update instead.
 * Two instances starting at once can both see "not found": the loser of the race
 * then updates, which is what it would have done anyway.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  definition: StreamDefinition,
): Promise<void> {
  const config: Partial<StreamConfig> & { name: string } = {
    name: definition.name,
    subjects: [...definition.subjects],
    storage: StorageType.File,
    retention:
      definition.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: 1,
    duplicate_window: nanos(definition.duplicateWindowMs),
  };
  try {
    await jsm.streams.info(config.name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addError) {
      if (!(addError instanceof JetStreamApiError)) throw addError;
    }
  }
  await jsm.streams.update(config.name, config);
}

/**
 * Durable pull consumer with deliberate defaults. The server's defaults are unsafe for
 * a worker: `max_deliver` is unlimited (a poison message loops forever) and
 * `ack_wait` is 30 s. Callers choose both.
 */
export async function ensurePullConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & {
    durable_name: string;
    max_deliver: number;
    /** In nanoseconds, like every JetStream duration: use `nanos(ms)` from @nats-io/transport-node. */
    ack_wait: number;
  },
): Promise<void> {
  const full: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ...config,
  };
  try {
    await jsm.consumers.info(stream, config.durable_name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.consumers.add(stream, full);
      return;
    } catch (addError) {
      if (!(addError instanceof JetStreamApiError)) throw addError;
    }
  }
  await jsm.consumers.update(stream, config.durable_name, full);
}
