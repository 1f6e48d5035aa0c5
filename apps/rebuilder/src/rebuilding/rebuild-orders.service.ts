import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { KafkaAdmin, type PartitionOffsets } from '@switchyard/messaging';
import {
  ORDER_ROW_FOLDS,
  ProjectionStore,
  RebuildRuns,
  WorkerApplier,
  type ProjectionLock,
} from '@switchyard/read-models';
import { KafkaConsumerHost, kafkaGroupOf, PG_POOL } from '@switchyard/service';
import type { Pool, PoolClient } from 'pg';
import type { ProjectionName } from '@switchyard/contracts';
import { CATALOG, config, TOPOLOGY } from '../config';
import type { ProgressReporter } from './progress';
import { ProgressPublisher } from './progress-publisher';
import { PartitionPipeline } from './partition-pipeline';
import { RunProgress } from './run-progress';
import { IncompleteHistoryError, sourceHistoryProblems } from './source-history';

const PROJECTION: ProjectionName = 'orders';
/** The replay: the catalog's `rebuilderOrders`, a fresh group (`{runId}`) per run. */
const SUBSCRIPTION = CATALOG.subscriptions.rebuilderOrders;

export interface RebuildResult {
  runId: string;
  version: number;
  previousVersion: number;
  events: number;
  rows: number;
  /** Events the new version holds until their predecessor arrives (ADR 0024); in the digest. */
  parked: number;
  /** Row digest of the new version (`ProjectionStore.digest`): compare it with another version's. */
  digest: string;
  /** The rebuild itself: new table, replay from offset zero, swap. */
  seconds: number;
  /** Computing the digest, after the swap (a full scan of the new version). */
  digestSeconds: number;
}

export interface RebuildOptions {
  timeoutMs: number;
  /**
   * Rebuild even when the topic no longer holds the whole history (see `source-history`):
   * an operator's explicit decision (CLI `--allow-incomplete-history`), recorded on the
   * run as its `warning`. Never offered by the admin API.
   */
  allowIncompleteHistory?: boolean;
  /** The CLI's bar or log lines; `serve` has none (it has the status query instead). */
  reporter?: (total: number) => ProgressReporter;
}

/** The topic's offsets when its history was checked, and what an override accepted. */
interface CheckedSource {
  offsets: PartitionOffsets[];
  warning: string | null;
}

/** A started rebuild: its id at once, its outcome later. */
export interface RebuildHandle {
  runId: string;
  done: Promise<RebuildResult>;
}

/** Another process (or this one) is rebuilding the projection right now. */
export class RebuildAlreadyRunningError extends Error {
  constructor(readonly projection: string) {
    super(`a rebuild of ${projection} is already running`);
    this.name = 'RebuildAlreadyRunningError';
  }
}

/**
 * ### Blue-green rebuild of the orders read model from Kafka offset zero.
 *
 * 0. Take the projection's rebuild lock (one rebuild at a time, across every process) and
 *    record the run in `rebuild_runs`.
 * 1. Check that the topic still holds the whole history: every partition starts at offset
 *    0, and none ends before the live version's checkpoint (`source-history`). If not, the
 *    run is refused at once (`IncompleteHistoryError`): the caller gets the reason, the
 *    run row says `failed` with it, and nothing is built. The end offsets read for this
 *    check are the finish line.
 * 2. Create a fresh table `orders_v<N+1>` next to the live one (the projector keeps
 *    serving and updating the live version the whole time).
 * 3. Replay from offset zero with a brand-new consumer group (no committed offsets, so
 *    it starts at the beginning), through the same projection code as the projector:
 *    `eachBatch`, one transaction and one multi-row upsert per partition batch, all
 *    partitions in parallel (order only matters within a partition).
 * 4. Once every partition reached the finish line, swap the view in one transaction,
 *    together with the run's `swapped` state. The projector sees the new version on its
 *    next batch and continues from the new version's checkpoints, so nothing published
 *    during the rebuild is missed. Just before the swap the history is checked again:
 *    records deleted during the replay (kafkajs resets a consumer whose offset is gone to
 *    the earliest one and goes on, logging a line) fail the run instead.
 * 5. The previous version stays until the next successful rebuild (roll back by
 *    activating it again). A failed rebuild drops its own table: live is untouched.
 */
@Injectable()
export class RebuildOrdersService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(RebuildOrdersService.name);
  private readonly store = new ProjectionStore(TOPOLOGY.postgres.schema);
  private readonly runs = new RebuildRuns(TOPOLOGY.postgres.schema);
  /** Aborts runs in flight on shutdown: they fail cleanly instead of losing their pool. */
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly admin: KafkaAdmin,
    private readonly host: KafkaConsumerHost,
    private readonly publisher: ProgressPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.withClient((client) => this.store.initialize(client));
  }

  /** Before the pool and Kafka close: a run in flight fails cleanly and drops its table. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled(this.inFlight);
  }

  /**
   * Starts a rebuild and returns as soon as it is recorded and its source checked: the
   * caller gets the run id while the replay goes on. Throws `RebuildAlreadyRunningError`
   * if the lock is taken, `IncompleteHistoryError` (run recorded as failed) if the topic
   * no longer holds the whole history.
   */
  async start(options: RebuildOptions): Promise<RebuildHandle> {
    const lock = await this.runs.tryLock(this.pool, PROJECTION);
    if (!lock) throw new RebuildAlreadyRunningError(PROJECTION);
    const started = Date.now();
    let runId: string | undefined;
    let source: CheckedSource;
    try {
      runId = await this.runs.begin(this.pool, PROJECTION);
      source = await this.checkSourceHistory(runId, options.allowIncompleteHistory ?? false);
    } catch (error) {
      if (runId) await this.fail(runId, undefined, new RunProgress(0), started, null, error);
      await lock.release();
      throw error;
    }
    const done = this.run(runId, lock, options, source, started);
    this.inFlight.add(done);
    void done.catch(() => undefined).finally(() => this.inFlight.delete(done));
    return { runId, done };
  }

  /**
   * The history check (see `source-history`): the partitions' offsets, if the topic holds
   * the whole history the live version was built from. With `allowIncomplete`, the
   * problems are logged and recorded as the run's warning instead of refusing.
   */
  private async checkSourceHistory(
    runId: string,
    allowIncomplete: boolean,
  ): Promise<CheckedSource> {
    const topic = TOPOLOGY.kafka.topics.orderEvents;
    await this.admin.ensureTopics([topic], this.logger);
    const offsets = await this.admin.partitionOffsets(topic.name);
    const live = await this.withClient(async (client) => {
      const { active } = await this.store.activeVersion(client);
      return this.store.checkpoints(client, active, topic.name);
    });
    const problems = sourceHistoryProblems(offsets, live);
    if (problems.length === 0) return { offsets, warning: null };
    if (!allowIncomplete) throw new IncompleteHistoryError(topic.name, problems);
    const warning = `rebuilt from an incomplete history (--allow-incomplete-history): ${problems.join('; ')}`;
    this.logger.warn({ msg: warning, runId });
    await this.runs.warn(this.pool, runId, warning);
    return { offsets, warning };
  }

  private async run(
    runId: string,
    lock: ProjectionLock,
    { timeoutMs, reporter, allowIncompleteHistory }: RebuildOptions,
    { offsets: source, warning }: CheckedSource,
    started: number,
  ): Promise<RebuildResult> {
    const topic = TOPOLOGY.kafka.topics.orderEvents.name;
    const groupId = kafkaGroupOf(SUBSCRIPTION, { runId });
    let version: number | undefined;
    let progress = new RunProgress(0);
    let swapped = false;
    try {
      version = await this.withClient(async (client) => {
        await this.dropAbandonedVersions(client);
        const next = Math.max(0, ...(await this.store.versions(client))) + 1;
        await this.store.createVersion(client, next);
        return next;
      });
      // The finish line is the end of every partition when the history was checked.
      const finishLine = new Map(source.map(({ partition, high }) => [partition, high]));
      const firstOffsets = new Map(source.map(({ partition, low }) => [partition, low]));
      const total = source.reduce((sum, { low, high }) => sum + Number(high - low), 0);
      progress = new RunProgress(total);
      await this.runs.progress(this.pool, runId, { version, eventsTotal: total });
      this.logger.log({ msg: 'rebuild started', runId, version, topic, events: total, groupId });

      const heartbeat = this.startHeartbeat(runId, version, progress, started, warning);
      try {
        await this.replay({
          runId,
          version,
          firstOffsets,
          finishLine,
          progress,
          timeoutMs,
          reporter,
        });
      } finally {
        await heartbeat.stop();
      }
      // Deleted while we replayed? Then the consumer may have skipped them: never swap that.
      // (With the override, what is missing was accepted at the start.)
      if (!allowIncompleteHistory) await this.checkSourceHistory(runId, false);

      const previous = await this.withClient(async (client) => {
        // Partitions that had nothing to replay still get a checkpoint: the projector
        // must resume them from the finish line, not from its own old position.
        for (const [partition, end] of finishLine) {
          await this.store.saveCheckpoint(client, version!, topic, partition, end);
        }
        const swap = await this.store.activate(client, version!, (tx) =>
          this.runs.finish(tx, runId, { state: 'swapped', eventsApplied: progress.eventsApplied }),
        );
        swapped = true;
        return swap.previous;
      });
      const seconds = (Date.now() - started) / 1_000;
      this.publish(runId, version, progress, started, 'swapped', { warning });
      this.logger.log({
        msg: 'rebuild swapped in',
        runId,
        version,
        previousVersion: previous,
        events: progress.eventsApplied,
        seconds,
      });
      // The digest proves the rebuilt version equals another (a full scan, ~0.5 s per
      // 300k rows): it is verification, not rebuilding, so it comes after the swap and
      // is timed apart. Readers are already served by the new version meanwhile.
      const digestStarted = Date.now();
      const digest = await this.withClient((client) => this.store.digest(client, version!));
      const result: RebuildResult = {
        runId,
        version,
        previousVersion: previous,
        events: progress.eventsApplied,
        rows: digest.rows,
        parked: digest.parked,
        digest: digest.md5,
        seconds,
        digestSeconds: (Date.now() - digestStarted) / 1_000,
      };
      this.logger.log({ msg: 'rebuilt version digested', ...result });
      if (digest.parked > 0) {
        // The same events the live projection holds, if it is caught up: their predecessor
        // is not on the topic (ADR 0024). Not a failure of the rebuild; worth a look.
        this.logger.warn({
          msg: 'the rebuilt version holds events whose predecessor is not on the topic',
          version,
          parked: digest.parked,
        });
      }
      return result;
    } catch (error) {
      // Once swapped, the new version IS live: never drop it (a failure after the swap,
      // e.g. computing the digest, is reported, not undone).
      if (!swapped) await this.fail(runId, version, progress, started, warning, error);
      throw error;
    } finally {
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
      await lock.release();
    }
  }

  private async replay(run: {
    runId: string;
    version: number;
    /** Where each partition's log starts (0 unless an incomplete history was allowed). */
    firstOffsets: Map<number, bigint>;
    finishLine: Map<number, bigint>;
    progress: RunProgress;
    timeoutMs: number;
    reporter?: (total: number) => ProgressReporter;
  }): Promise<void> {
    const { version, firstOffsets, finishLine, progress, timeoutMs } = run;
    // One entry per partition, whatever the number of events: memory stays flat.
    const positions = new Map<number, bigint>();
    // Parse, validate, fold and write on worker threads; this thread keeps the consumer.
    const applier = await WorkerApplier.start({
      workers: config.REBUILD_WORKERS,
      partitions: finishLine.size,
      connectionString: config.DATABASE_URL,
      applicationName: 'rebuilder-worker',
      schema: TOPOLOGY.postgres.schema,
      version,
      // Durable at the swap, not per batch: see `durability` (the swap commits synchronously).
      durability: 'at-swap',
    });
    const caughtUp = () =>
      [...finishLine].every(
        ([partition, end]) =>
          end <= (firstOffsets.get(partition) ?? 0n) || (positions.get(partition) ?? 0n) >= end,
      );
    const reporter = run.reporter?.(progress.total);
    // Writes overlap the next fetch (one write in flight per partition, in order).
    const pipeline = new PartitionPipeline({
      write: async (records) => {
        const outcome = await applier.apply(records);
        // A brand-new version has no checkpoint to send the consumer back to.
        if (outcome.seekTo !== undefined)
          throw new Error(`unexpected checkpoint ${outcome.seekTo} in a new version`);
        const last = records[records.length - 1]!;
        positions.set(last.partition, BigInt(last.offset) + 1n);
        progress.add(records.length);
        reporter?.update(progress.eventsApplied);
      },
    });
    const consumer = this.host.consume(SUBSCRIPTION, {
      // Started and stopped here, once: nobody pauses a rebuild or scrapes its one-off group.
      lifetime: 'run',
      group: { runId: run.runId },
      // What the workers' `PartitionApplier` folds each event with, keyed like `handles`.
      folds: ORDER_ROW_FOLDS,
      fromBeginning: true,
      partitionsConsumedConcurrently: Math.max(1, finishLine.size),
      // The replay stops the moment it caught up; a long-polling fetch in flight would
      // hold that stop for kafkajs' default 5 s (profiled: the "fixed startup" cost).
      maxWaitTimeInMs: config.REBUILD_FETCH_MAX_WAIT_MS,
      maxBytesPerPartition: config.REBUILD_FETCH_MAX_BYTES_PER_PARTITION,
      // No Kafka commits at all: a rebuild never resumes from them (a new run starts from
      // zero in a new group, and this one's group is deleted); the positions that count
      // are the checkpoints written with the rows. A commit per batch was a broker round
      // trip between two fetches.
      commitOffsets: false,
      handle: (records) => pipeline.push(records),
    });
    // The deadline covers the whole replay, joining the group included, and is checked
    // before "caught up": a replay that finished late still counts as too late, so the
    // outcome does not depend on how the last poll happens to line up with the clock.
    const deadline = Date.now() + timeoutMs;
    try {
      await consumer.start();
      for (;;) {
        if (this.shutdown.signal.aborted)
          throw new Error('rebuild aborted: the rebuilder is shutting down');
        if (Date.now() > deadline)
          throw new Error(`rebuild did not catch up within ${timeoutMs} ms`);
        if (pipeline.failure) throw pipeline.failure;
        if (caughtUp()) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      reporter?.stop();
      await consumer.stop();
      // Nothing may still be writing into the version once the replay is over; then the
      // workers end (they would keep the process alive otherwise).
      await pipeline.drain().catch(() => undefined);
      // The live projector dead-lettered poison records already; a rebuild only counts them.
      const { poison } = await applier.close();
      if (poison > 0)
        this.logger.warn({ msg: 'skipped poison records (already dead-lettered)', count: poison });
    }
  }

  /**
   * About once a second: the run row (status for every instance, proof of life) and a
   * progress sample on NATS. A failed write is logged and retried on the next tick; it
   * never fails the rebuild.
   */
  private startHeartbeat(
    runId: string,
    version: number,
    progress: RunProgress,
    started: number,
    warning: string | null,
  ) {
    let writing: Promise<void> | undefined;
    const tick = () => {
      // Skip a tick rather than queue writes behind a slow database.
      if (writing) return;
      this.publish(runId, version, progress, started, 'running', { warning });
      writing = this.runs
        .progress(this.pool, runId, progress.snapshot())
        .catch((error: unknown) =>
          this.logger.warn({ msg: 'progress not recorded', runId, err: String(error) }),
        )
        .finally(() => (writing = undefined));
    };
    const timer = setInterval(tick, 1_000);
    return {
      /** Stops ticking and writes the final count. */
      stop: async () => {
        clearInterval(timer);
        await writing;
        tick();
        await writing;
      },
    };
  }

  private async fail(
    runId: string,
    version: number | undefined,
    progress: RunProgress,
    started: number,
    warning: string | null,
    error: unknown,
  ): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error({
      msg: 'rebuild failed: the live version is untouched',
      runId,
      err: message,
    });
    if (version !== undefined) {
      await this.withClient((client) => this.store.dropVersion(client, version)).catch(
        (dropError: unknown) =>
          // Left behind, it is dropped by the next rebuild (see dropAbandonedVersions).
          this.logger.warn({
            msg: 'could not drop the failed version',
            version,
            err: String(dropError),
          }),
      );
    }
    await this.runs
      .finish(this.pool, runId, { state: 'failed', error: message })
      .catch((finishError: unknown) =>
        this.logger.warn({ msg: 'could not record the failure', runId, err: String(finishError) }),
      );
    this.publish(runId, version ?? null, progress, started, 'failed', { error: message, warning });
  }

  /** Tables of runs whose process died mid-rebuild: neither live nor kept for rollback. */
  private async dropAbandonedVersions(client: PoolClient): Promise<void> {
    const { active, previous } = await this.store.activeVersion(client);
    for (const version of await this.store.versions(client)) {
      if (version !== active && version !== previous) {
        this.logger.warn({ msg: 'dropping the table of an abandoned rebuild', version });
        await this.store.dropVersion(client, version);
      }
    }
  }

  private publish(
    runId: string,
    version: number | null,
    progress: RunProgress,
    started: number,
    state: 'running' | 'swapped' | 'failed',
    { error = null, warning }: { error?: string | null; warning: string | null },
  ): void {
    const snapshot = progress.snapshot();
    const finished = state !== 'running';
    this.publisher.publish(PROJECTION, {
      runId,
      state,
      version,
      ...snapshot,
      etaSeconds: finished ? null : snapshot.etaSeconds,
      startedAt: new Date(started).toISOString(),
      finishedAt: finished ? new Date().toISOString() : null,
      error,
      warning,
    });
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  }
}
