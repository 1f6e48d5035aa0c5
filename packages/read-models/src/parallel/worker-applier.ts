import { Worker } from 'node:worker_threads';
import type { BatchOutcome, ConsumedRecord } from '@switchyard/messaging';
import { packBatch, transferList } from './packed-batch';
import type { ApplierWorkerData, FromWorker } from './protocol';

export interface WorkerApplierOptions extends Omit<ApplierWorkerData, 'poolSize'> {
  /** Worker threads; partition p goes to worker p mod `workers`. */
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
 * kafkajs; each batch is packed into one transferable buffer and applied by the worker
 * that owns its partition, with its own Postgres pool.
 *
 * - Order: a partition always goes to the same worker, and the caller (the rebuild's
 *   `PartitionPipeline`) keeps one write per partition in flight, so a partition's
 *   batches are applied in offset order, each in its own transaction with its checkpoint.
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

  private constructor(private readonly workers: Worker[]) {
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
        poolSize: Math.ceil(options.partitions / count),
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

  /** Applies one partition batch (non-empty) on the worker that owns its partition. */
  async apply(records: ConsumedRecord[]): Promise<BatchOutcome & { applied: number }> {
    const batch = packBatch(records);
    const reply = await this.send(batch.partition, { kind: 'apply', batch }, transferList(batch));
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

  private send(
    partition: number,
    message: { kind: 'apply'; batch: ReturnType<typeof packBatch> } | { kind: 'close' },
    transfer: ArrayBuffer[] = [],
  ): Promise<FromWorker> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    const worker = this.workers[partition % this.workers.length]!;
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  }
}
