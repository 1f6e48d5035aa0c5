import { Worker } from 'node:worker_threads';
import type { BatchOutcome, ConsumedRecord } from '@switchyard/messaging';
import { packBatch, transferList } from './packed-batch';
import type { ApplierWorkerData, FromWorker } from './protocol';

export interface WorkerApplierOptions extends Omit<ApplierWorkerData, 'poolSize'> {
  /** Worker threads; each batch goes to the one with the fewest batches in hand. */
  workers: number;
  /** Partitions of the topic: sizes each worker's Postgres pool (one write per partition). */
  partitions: number;
}

interface Pending {
  resolve(outcome: FromWorker): void;
  reject(error: Error): void;
}

/**
 * The compiled worker script. It is always the package's `dist` build (resolved through
 * the package name), also when this file runs from source under Jest: a worker thread
 * cannot load TypeScript.
 */
const WORKER_SCRIPT = require.resolve('@switchyard/read-models/dist/parallel/applier-worker.js');

/**
 * ### Apply partition batches on worker threads: the replay's CPU off the Kafka thread.
 *
 * Profiled, a rebuild's main thread was saturated: kafkajs fetching and decoding (what a
 * raw no-op consumer does too) *plus* `JSON.parse`, zod validation and upcasting, the
 * fold and the upsert's serialisation for every event. Here the main thread keeps only
 * kafkajs; each batch is packed into one transferable buffer and applied by a worker,
 * each worker with its own Postgres pool.
 *
 * - Order: the caller (the rebuild's `PartitionPipeline`) keeps at most one batch per
 *   partition in flight, and `apply` refuses a second one: a partition's batches are
 *   therefore applied in offset order, each in its own transaction with its checkpoint,
 *   whichever worker takes each of them.
 * - Balance: a batch goes to the worker with the fewest batches in hand, not to a worker
 *   that owns its partition. With 3 partitions on 2 workers, "partition p → worker
 *   p mod 2" gave one worker two partitions: it did ~2/3 of the work (2.6 s of CPU
 *   against 1.5 s on a 300,000-event replay) and, once the other worker's partition was
 *   done, the replay's tail ran on one thread while the other idled.
 * - Failure: a batch that fails rejects with the worker's error (the pipeline retries
 *   it; the applier skips what the checkpoint covers). A worker that dies rejects every
 *   batch it held and every later one: the rebuild fails and the live version stays.
 * - For replays into a fixed version only: poison records are counted, not dead-lettered
 *   (`close()` returns the count), and keys and headers do not reach the workers.
 */
export class WorkerApplier {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private broken: Error | undefined;
  /** Batches each worker holds (sent, not yet answered). */
  private readonly inHand: number[];
  private nextTie = 0;
  /** Partitions with a batch in flight: one at a time each, or order would be lost. */
  private readonly partitionsInFlight = new Set<string>();

  private constructor(private readonly workers: Worker[]) {
    this.inHand = workers.map(() => 0);
    for (const worker of workers) {
      worker.on('message', (message: FromWorker) => {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        waiting?.resolve(message);
      });
      const die = (error: Error) => {
        this.broken ??= error;
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
      };
      worker.on('error', die);
      worker.on('exit', (code) => die(new Error(`an applier worker exited (code ${code})`)));
    }
  }

  /** Starts the workers; resolves once every one of them is running. */
  static async start(options: WorkerApplierOptions): Promise<WorkerApplier> {
    const count = Math.max(1, Math.min(options.workers, options.partitions));
    const workers = Array.from({ length: count }, () => {
      const data: ApplierWorkerData = {
        connectionString: options.connectionString,
        applicationName: options.applicationName,
        schema: options.schema,
        version: options.version,
        durability: options.durability,
        // Any worker may be writing every partition's batch at once.
        poolSize: options.partitions,
      };
      return new Worker(WORKER_SCRIPT, { workerData: data });
    });
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.once('online', resolve);
              worker.once('error', reject);
            }),
        ),
      );
    } catch (error) {
      // The ones that did start would keep the process alive: a CLI that failed must exit.
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new WorkerApplier(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Applies one partition batch (non-empty) on the least busy worker. */
  async apply(records: ConsumedRecord[]): Promise<BatchOutcome & { applied: number }> {
    const batch = packBatch(records);
    const partition = `${batch.topic}:${batch.partition}`;
    if (this.partitionsInFlight.has(partition)) {
      throw new Error(
        `a batch of ${partition} is already being applied: one at a time per partition`,
      );
    }
    const worker = this.leastBusy();
    this.partitionsInFlight.add(partition);
    this.inHand[worker]! += 1;
    let reply: FromWorker;
    try {
      reply = await this.send(worker, { kind: 'apply', batch }, transferList(batch));
    } finally {
      this.inHand[worker]! -= 1;
      this.partitionsInFlight.delete(partition);
    }
    if (reply.kind === 'failed') {
      throw Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {});
    }
    if (reply.kind !== 'applied') throw new Error(`unexpected reply from an applier worker`);
    return { applied: reply.applied, ...(reply.seekTo ? { seekTo: reply.seekTo } : {}) };
  }

  /** Lets every worker close its pool, then stops them. Returns the poison records counted. */
  async close(): Promise<{ poison: number }> {
    let poison = 0;
    await Promise.all(
      this.workers.map(async (_, index) => {
        const reply = await this.send(index, { kind: 'close' }).catch(() => undefined);
        if (reply?.kind === 'closed') poison += reply.poison;
      }),
    );
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    return { poison };
  }

  /**
   * The worker with the fewest batches in hand; a tie goes round-robin. (Always the first
   * on a tie put 2 of every 3 batches on worker 0 when 3 partitions share 2 workers.)
   */
  private leastBusy(): number {
    const count = this.inHand.length;
    let best = this.nextTie;
    for (let step = 1; step < count; step++) {
      const index = (this.nextTie + step) % count;
      if (this.inHand[index]! < this.inHand[best]!) best = index;
    }
    this.nextTie = (best + 1) % count;
    return best;
  }

  private send(
    index: number,
    message: { kind: 'apply'; batch: ReturnType<typeof packBatch> } | { kind: 'close' },
    transfer: ArrayBuffer[] = [],
  ): Promise<FromWorker> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const worker = this.workers[index]!;
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  }
}
