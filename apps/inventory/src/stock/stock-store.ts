import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { backoff, Empty } from '@nats-io/transport-node';
import type { OrderLine } from '@switchyard/contracts';
import { ensureKvBucket } from '@switchyard/messaging';
import { JETSTREAM } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';

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
/** No stream's last sequence is ever this: an expectation that cannot hold (see `wasApplied`). */
const NEVER = Number.MAX_SAFE_INTEGER;
/** Clocks of two instances (and of the NATS server) may differ by this much. */
const CLOCK_SKEW_MARGIN_MS = 10_000;

/**
 * ### Stock levels in JetStream KV, changed only by compare-and-set, each change once.
 *
 * A change is a publish to the key's subject with two headers:
 * - `Nats-Expected-Last-Subject-Sequence` = the revision we read (what `kv.update` sends):
 *   two instances decrementing the same SKU at once, one wins, the other reads the new
 *   value and decides again. No locks, no lost updates, never below zero.
 * - `Nats-Msg-Id` = the change's operation id (`stockOperationId`): the stream remembers
 *   the ids it stored for its duplicate window (2 min), and answers a second publish of
 *   one with the first one's ack (`duplicate: true`) instead of storing it. So a change
 *   whose answer was lost (NATS restarting under it) can be made again, by this instance
 *   or by the one taking the reservation over, and happens once. Before this, such a
 *   change was either not redone (units stranded, found by the NATS-restart drill) or
 *   redone on top (twice).
 *
 * The server checks the id *before* the expectation, and registers it only when the
 * message is stored (both verified against nats-server 2.9.10, the version here): a
 * CAS that lost does not burn its id, and a duplicate wins whatever revision it expected.
 */
@Injectable()
export class StockStore implements OnModuleInit {
  private bucket!: KV;
  /** The bucket's declared dedupe window, read back from the stream once it is open. */
  private duplicateWindowMs = TOPOLOGY.nats.kv.inventory.duplicateWindowMs;

  constructor(@Inject(JETSTREAM) private readonly js: JetStreamClient) {}

  async onModuleInit(): Promise<void> {
    // Created, or an existing bucket brought to the declared limits (history 10 for audits).
    this.bucket = await ensureKvBucket(this.js, TOPOLOGY.nats.kv.inventory, {
      replicas: config.JETSTREAM_REPLICAS,
      logger: new Logger(StockStore.name),
    });
    const { streamInfo } = await this.bucket.status();
    const window = streamInfo.config.duplicate_window;
    if (window) this.duplicateWindowMs = window / 1e6;
  }

  /**
   * How long an operation id is remembered: a change retried within it happens once.
   * A retry after it (a reservation taken over minutes later) may apply a change twice,
   * which callers keep on the side of under-selling (see the handlers).
   */
  get operationMemoryMs(): number {
    return this.duplicateWindowMs;
  }

  /**
   * Whether every change made since `since` (an ISO time another instance may have
   * written) is still remembered: redoing them then changes nothing twice.
   */
  remembersSince(since: string | undefined): boolean {
    if (!since) return false;
    return Date.now() - Date.parse(since) < this.duplicateWindowMs - CLOCK_SKEW_MARGIN_MS;
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
   * Adds `delta` (negative to take) with a CAS loop, once per `operationId`. Refuses to go
   * below zero: the answer then says how many are available. `null` available = unknown
   * SKU. An operation applied before (its answer lost) answers `ok` again.
   */
  async adjust(sku: string, delta: number, operationId: string): Promise<AdjustResult> {
    const subject = this.subjectOf(sku);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const entry = await this.bucket.get(stockKey(sku));
      if (!entry || entry.operation !== 'PUT') return { ok: false, available: null };
      const stock = entry.json<StockEntry>();
      const next = stock.available + delta;
      if (next < 0) {
        // Not enough left, unless this very take went through before and its answer was
        // lost: then the stock is low *because* of it, and refusing it would strand it.
        if (await this.wasApplied(subject, operationId)) {
          return { ok: true, available: stock.available, priceCents: stock.priceCents };
        }
        return { ok: false, available: stock.available };
      }
      try {
        const ack = await this.js.publish(subject, JSON.stringify({ ...stock, available: next }), {
          msgID: operationId,
          expect: { lastSubjectSequence: entry.revision },
        });
        // A duplicate stored nothing now: the stock is what we read.
        const available = ack.duplicate ? stock.available : next;
        return { ok: true, available, priceCents: stock.priceCents };
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

  /**
   * Puts `lines` back in stock, one change per line, each under `operationIdOf(sku)`: a
   * give-back made again (a retry finishing a cut-off release or rejection) happens once.
   */
  async giveBack(lines: OrderLine[], operationIdOf: (sku: string) => string): Promise<void> {
    for (const line of lines) await this.adjust(line.sku, line.quantity, operationIdOf(line.sku));
  }

  /**
   * Did the stream store `operationId` within its duplicate window? Asked without writing:
   * a publish with that id and an expectation that cannot hold. The server looks the id
   * up first: a duplicate is answered as such (nothing stored); anything else fails the
   * expectation (nothing stored, the id not registered).
   */
  private async wasApplied(subject: string, operationId: string): Promise<boolean> {
    try {
      const ack = await this.js.publish(subject, Empty, {
        msgID: operationId,
        expect: { lastSubjectSequence: NEVER },
      });
      if (ack.duplicate) return true;
      throw new Error(`probing operation ${operationId} stored a message on ${subject}`);
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
  }

  /** The subject a key's values are published on (what `kv.put` uses). */
  private subjectOf(sku: string): string {
    return `$KV.${TOPOLOGY.nats.kv.inventory.name}.${stockKey(sku)}`;
  }
}
