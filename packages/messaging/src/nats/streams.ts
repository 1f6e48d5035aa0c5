import { nanos } from '@nats-io/transport-node';
import type { JetStreamLimits, StreamDefinition } from '@switchyard/contracts';
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
import {
  describeStreamChanges,
  destructiveChanges,
  diffStreamConfig,
  show,
  type StreamConfigChange,
} from './stream-config-diff';
import { declareThroughOutage } from './outage';

function isNotFound(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamNotFound ||
      error.code === JetStreamApiCodes.ConsumerNotFound)
  );
}

/** Where `ensureStream` and `ensureKvBucket` say what they created or changed. */
export interface ReconcileLogger {
  log(message: string): void;
  /** A declared setting that was NOT applied because applying it would delete messages. */
  warn(message: string): void;
}

export interface EnsureOptions {
  /**
   * Replicas of the stream (`JETSTREAM_REPLICAS`: 1 on one server, 3 on a cluster).
   * Required on purpose: a default here would set a cluster's streams back to 1 replica
   * on the first start that forgot it.
   */
  replicas: number;
  logger: ReconcileLogger;
}

/** A stream whose existing settings JetStream cannot change in place. */
export class StreamMigrationRequiredError extends Error {
  constructor(stream: string, changes: readonly StreamConfigChange[]) {
    super(
      `stream ${stream} exists with settings JetStream cannot change in place (${describeStreamChanges(changes)}): ` +
        'migrate it by hand (e.g. copy it into a new stream through a source, then swap names) or delete it if its messages may go',
    );
    this.name = 'StreamMigrationRequiredError';
  }
}

/** The JetStream settings a topology stream declares (pure: unit-tested). */
export function streamConfigOf(
  definition: StreamDefinition,
  replicas: number,
): Partial<StreamConfig> & { name: string } {
  if (definition.maxAgeMs > 0 && definition.duplicateWindowMs > definition.maxAgeMs) {
    // JetStream refuses it too, with a less helpful message.
    throw new Error(
      `stream ${definition.name}: duplicateWindowMs ${definition.duplicateWindowMs} exceeds maxAgeMs ${definition.maxAgeMs}`,
    );
  }
  return {
    name: definition.name,
    subjects: [...definition.subjects],
    storage: StorageType.File,
    retention:
      definition.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    ...limitsOf(definition, replicas),
    duplicate_window: nanos(definition.duplicateWindowMs),
  };
}

/** The limits every stream and KV bucket declares, as JetStream spells them. */
export function limitsOf(limits: JetStreamLimits, replicas: number): Partial<StreamConfig> {
  return {
    max_age: nanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    discard: limits.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    num_replicas: replicas,
  };
}

/**
 * ### Create the stream, or bring an existing one to the declared settings.
 *
 * Run on every start by every service that uses the stream. Missing: created. Present
 * with other settings (an older release's limits, a stream created by hand, another
 * replica count): updated, and every changed field is logged as `field: old → new`, so
 * a deploy that changes a limit says so. Equal: nothing is sent. A setting JetStream
 * cannot change in place (retention, storage) fails the start with
 * `StreamMigrationRequiredError` rather than with an obscure API error, or worse, by
 * running against a stream that does not behave as declared.
 *
 * `streams.add` with a different config for an existing name fails (API error 10058), so
 * this never relies on it for an existing stream. Two instances starting at once can
 * both see "not found": the loser of the race reconciles, which is what it would have
 * done anyway.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  definition: StreamDefinition,
  options: EnsureOptions,
): Promise<void> {
  const config = streamConfigOf(definition, options.replicas);
  await declareThroughOutage(async () => {
    if (!(await streamExists(jsm, config.name))) {
      try {
        await jsm.streams.add(config);
        options.logger.log(`stream ${config.name} created (${describeLimits(config)})`);
        return;
      } catch (addError) {
        if (!(addError instanceof JetStreamApiError)) throw addError;
      }
    }
    await reconcileStream(jsm, config.name, config, options.logger, 'stream');
  });
}

/**
 * Updates the existing stream `name` to `wanted` where it differs, logging each change;
 * refuses what JetStream cannot change. Shared with the KV buckets (their stream).
 */
export async function reconcileStream(
  jsm: JetStreamManager,
  name: string,
  wanted: Partial<StreamConfig>,
  logger: ReconcileLogger,
  what: string,
): Promise<StreamConfigChange[]> {
  const { config: current, state } = await jsm.streams.info(name);
  const { changes, immutable } = diffStreamConfig(current, wanted);
  if (immutable.length > 0) throw new StreamMigrationRequiredError(name, immutable);
  const destructive = destructiveChanges(changes, state.bytes);
  if (destructive.length > 0) {
    // Not applied: a start must never delete what a stream holds. The stream keeps its
    // larger limit (still bounded, or unbounded as before) until someone decides.
    logger.warn(
      `${what} ${name} holds ${show('max_bytes', state.bytes)}, more than the declared ${describeStreamChanges(destructive)}: ` +
        'NOT applied, since JetStream would delete the oldest messages to fit. Raise maxBytes in the topology, or make room (after checking every consumer, the bridge first, has read them) and restart',
    );
  }
  const applied = changes.filter((change) => !destructive.includes(change));
  if (applied.length === 0) return [];
  const update: Partial<StreamConfig> = {};
  for (const { field, to } of applied) Object.assign(update, { [field]: to });
  await jsm.streams.update(name, update);
  logger.log(`${what} ${name} updated to the declared settings: ${describeStreamChanges(applied)}`);
  return applied;
}

export async function streamExists(jsm: JetStreamManager, name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** `max_age 30d, max_bytes 1 GiB, discard "new", num_replicas 1` for a creation log line. */
export function describeLimits(config: Partial<StreamConfig>): string {
  const fields = ['max_age', 'max_bytes', 'discard', 'num_replicas'] as const;
  return fields.map((field) => `${field} ${show(field, config[field])}`).join(', ');
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
  await declareThroughOutage(async () => {
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
  });
}
