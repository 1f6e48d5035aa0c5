import type { PackedBatch } from './packed-batch';

/** What a worker needs to write one fixed read-model version. */
export interface ApplierWorkerData {
  connectionString: string;
  applicationName: string;
  /** Connections: one per partition the worker may be writing at once. */
  poolSize: number;
  schema: string;
  version: number;
  durability: 'per-batch' | 'at-swap';
}

export type ToWorker =
  { kind: 'apply'; id: number; batch: PackedBatch } | { kind: 'close'; id: number };

export type FromWorker =
  | { kind: 'applied'; id: number; applied: number; seekTo?: string }
  | { kind: 'failed'; id: number; message: string; code?: string }
  | { kind: 'closed'; id: number; poison: number };
