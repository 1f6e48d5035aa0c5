import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { backoff } from '@nats-io/transport-node';
import { JETSTREAM } from '@switchyard/service';
import { TOPOLOGY } from '../config';

/** A compare-and-set lost the race: someone else changed the key first. */
export function isRevisionConflict(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** What `stock.<sku>` holds. */
export interface StockEntry {
  available: number;
  priceCents: number;
}

export type AdjustResult =
  { ok: true; available: number; priceCents: number } | { ok: false; available: number | null };

const stockKey = (sku: string) => `stock.${sku}`;
const MAX_CAS_ATTEMPTS = 50;
const casBackoff = backoff([0, 1, 2, 5, 10, 20]);

/**
 * ### Stock levels in JetStream KV, changed only by compare-and-set.
 *
 * `update(key, value, revision)` succeeds only if the key is still at the revision we
 * read. Two instances decrementing the same SKU at once: one wins, the other reads the
 * new value and decides again. No locks, no lost updates, never below zero.
 */
@Injectable()
export class StockStore implements OnModuleInit {
  private bucket!: KV;

  constructor(@Inject(JETSTREAM) private readonly js: JetStreamClient) {}

  async onModuleInit(): Promise<void> {
    // `create` opens the bucket if it exists. History 10 keeps recent values for audits.
    this.bucket = await new Kvm(this.js).create(TOPOLOGY.nats.kv.inventory, { history: 10 });
  }

  get kv(): KV {
    return this.bucket;
  }
  async find(sku: string): Promise<StockEntry | null> {
    const entry = await this.bucket.get(stockKey(sku));
    if (!entry || entry.operation !== 'PUT') return null;
    return entry.json<StockEntry>();
  }

  /** Sets stock only where the SKU has none yet (a restart never refills sold stock). */ async seed(
    sku: string,
    stock: StockEntry,
  ): Promise<boolean> {
    try {
      await this.bucket.create(stockKey(sku), JSON.stringify(stock));
      return true;
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
  }

  /**
   * Adds `delta` (negative to take) with a CAS loop. Refuses to go below zero: the
   * answer then says how many are available. `null` available = unknown SKU.
   */
  async adjust(sku: string, delta: number): Promise<AdjustResult> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const entry = await this.bucket.get(stockKey(sku));
      if (!entry || entry.operation !== 'PUT') return { ok: false, available: null };
      const stock = entry.json<StockEntry>();
      const next = stock.available + delta;
      if (next < 0) return { ok: false, available: stock.available };
      try {
        await this.bucket.update(
          stockKey(sku),
          JSON.stringify({ ...stock, available: next }),
          entry.revision,
        );
        return { ok: true, available: next, priceCents: stock.priceCents };
      } catch (error) {
        if (!isRevisionConflict(error)) throw error;
        // Lost the race: back off a little (jittered) and decide again on fresh data.
        await new Promise((resolve) => setTimeout(resolve, casBackoff.backoff(attempt)));
      }
    }
    throw new Error(
      `stock of ${sku} is too contended: ${MAX_CAS_ATTEMPTS} compare-and-set attempts lost`,
    );
  }
}
