/**
 * ### A worker thread that applies partition batches to one read-model version.
 *
 * Started by `WorkerApplier` (never imported). Each worker has its own Postgres pool and
 * its own `PartitionApplier`: the same parse → upcast → fold → upsert + checkpoint
 * transaction as in the main thread, so a batch written here is exactly the batch the
 * projector would write.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { PartitionApplier } from '../partition-applier';
import { ProjectionStore } from '../projection-store';
import { unpackBatch } from './packed-batch';
import type { ApplierWorkerData, FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('applier-worker.js runs as a worker thread (see WorkerApplier)');

const settings = workerData as ApplierWorkerData;
const pool = new Pool({
  connectionString: settings.connectionString,
  application_name: settings.applicationName,
  max: settings.poolSize,
});
// An idle client's error (the server restarted) must not kill the worker: the next
// batch fails instead, and the pipeline retries it.
pool.on('error', () => undefined);
let poison = 0;
const applier = new PartitionApplier({
  pool,
  store: new ProjectionStore(settings.schema),
  target: { kind: 'fixed', version: settings.version },
  durability: settings.durability,
  // Replays only: the live projector dead-lettered these records already.
  deadLetter: async (records) => {
    poison += records.length;
  },
});

const reply = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.kind === 'close') {
    void pool.end().finally(() => reply({ kind: 'closed', id: message.id, poison }));
    return;
  }
  applier.apply(unpackBatch(message.batch)).then(
    ({ applied, seekTo }) =>
      reply({ kind: 'applied', id: message.id, applied, ...(seekTo ? { seekTo } : {}) }),
    (error: unknown) =>
      reply({
        kind: 'failed',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
        ...(typeof (error as { code?: unknown })?.code === 'string'
          ? { code: (error as { code: string }).code }
          : {}),
      }),
  );
});
