import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { backoff } from '@nats-io/transport-node';
import type { OrderLine } from '@switchyard/contracts';
import {
  ensureKvBucket,
  isRevisionConflict,
  retryThroughOutage,
  SerialKv,
} from '@switchyard/messaging';
import { JETSTREAM } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import { OUTAGE_WAIT_MS, outageBackoff } from './outage-wait';
import { StockChangeMetrics } from './stock-change-metrics';
import { wasMade, withChange, type StockValue } from './stock-value';

export type AdjustResult =
  | {
      ok: true;
      available: number;
      priceCents: number;
      /**
       * `now`: this call made it. `before`: it had been made (an answer lost earlier).
       * `left-out`: a change made again whose first attempt cannot be told apart any more
       * (see `MadeBefore`): not made, on the safe side.
       */
      made: 'now' | 'before' | 'left-out';
    }
  | { ok: false; available: number | null };

/**
 * A change that may have been attempted before (a retry, a take-over): `since` is a
 * revision of the key read before its first attempt, if one was recorded. When the key's
 * record of changes cannot tell whether that attempt went through, `ifUnknown` decides:
 * a take is made (units perhaps stranded: under-selling), a give-back is left out (the
 * same). Never the other way: that would be stock from nowhere, overselling.
 */
export interface MadeBefore {
  since: number | undefined;
  ifUnknown: 'make' | 'leave-out';
}

const stockKey = (sku: string) => `stock.${sku}`;
const MAX_CAS_ATTEMPTS = 50;
const casBackoff = backoff([0, 1, 2, 5, 10, 20]);

/**
 * ### Stock levels in JetStream KV, changed only by compare-and-set, each change once.
 *
 * A change writes the new value expecting the revision we read (`SerialKv.update`): two
 * instances decrementing the same SKU at once, one wins, the other reads the new value and
 * decides again. No locks, no lost updates, never below zero. `SerialKv`, not `kv.update`:
 * on a replicated bucket (R3) nats-server 2.9 let two writers that read the same revision
 * both win, and the cluster drill found stock for sale that had been sold (its comment says
 * why and what was measured).
 *
 * Each change has an operation id (`stockOperationId`), and the value carries the digests
 * of the last changes made to it (`StockValue`), written in the same compare-and-set. A
 * change made again (its answer lost while NATS restarted, or an instance taking a
 * reservation over, or two instances racing to make the same change) finds itself there
 * and is not applied twice, whoever made it and however long ago, NATS restarts included.
 */
@Injectable()
export class StockStore implements OnModuleInit {
  private bucket!: KV;
  private serial!: SerialKv;
  private readonly logger = new Logger(StockStore.name);

  constructor(
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    private readonly metrics: StockChangeMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    // Created, or an existing bucket brought to the declared limits (history 10 for audits).
    this.bucket = await ensureKvBucket(this.js, TOPOLOGY.nats.kv.inventory, {
      replicas: config.JETSTREAM_REPLICAS,
      logger: new Logger(StockStore.name),
      // A release that reads no reservation does nothing, for good: on a cluster that read
      // must not come from a replica that has not seen the reservation yet.
      reads: 'leader',
    });
    this.serial = new SerialKv(this.bucket, { logger: this.logger });
  }

  /** The bucket, for the other records kept in it (reservations): writes by revision only. */
  get kv(): SerialKv {
    return this.serial;
  }

  /** The level of a SKU (its record of changes is the store's business only). */
  async find(sku: string): Promise<{ available: number; priceCents: number } | null> {
    const entry = await this.serial.get(stockKey(sku));
    if (!entry || entry.operation !== 'PUT') return null;
    const { available, priceCents } = entry.json<StockValue>();
    return { available, priceCents };
  }

  /** Sets stock only where the SKU has none yet (a restart never refills sold stock). */
  async seed(sku: string, stock: { available: number; priceCents: number }): Promise<boolean> {
    // A new key: no change was ever made to it, so its (empty) record is complete.
    const value: StockValue = { ...stock, changes: [], forgottenThrough: 0 };
    try {
      await this.serial.create(stockKey(sku), JSON.stringify(value));
      return true;
    } catch (error) {
      if (isRevisionConflict(error)) return false;
      throw error;
    }
  }

  /** For each SKU, the current revision of its key (0: none): the `since` of changes about to be made. */
  async revisions(skus: readonly string[]): Promise<Record<string, number>> {
    const entries = await Promise.all(
      skus.map(async (sku) => [sku, (await this.serial.get(stockKey(sku)))?.revision ?? 0]),
    );
    return Object.fromEntries(entries) as Record<string, number>;
  }

  /**
   * Adds `delta` (negative to take) with a CAS loop, once per `operationId`. Refuses to go
   * below zero: the answer then says how many are available. `null` available = unknown
   * SKU. A change made before (its answer lost) answers `ok` with `made: 'before'`.
   */
  async adjust(
    sku: string,
    delta: number,
    operationId: string,
    madeBefore?: MadeBefore,
  ): Promise<AdjustResult> {
    // NATS could not answer (a node restarting, a leader being elected): the write may
    // have been stored all the same. Read again and decide now, while the value's record
    // surely still holds our change if it went through. Left to a later retry (the
    // saga's, or another instance taking the reservation over after STALE_PENDING_MS), a
    // busy SKU's record may have moved past it (it keeps the last
    // INVENTORY_STOCK_CHANGES_KEPT changes) and the take is made twice: a unit stranded
    // in the cluster drill's NATS rolling restart. Safe to repeat: every write of this
    // key names the revision it read in its message id, so of a late write and ours
    // only one can be stored (ADR 0045).
    let lost = 0;
    return retryThroughOutage(
      async () => {
        for (;;) {
          try {
            return await this.adjustOnce(sku, delta, operationId, madeBefore);
          } catch (error) {
            if (!isRevisionConflict(error)) throw error;
            // Lost the race (or our own earlier attempt of this write was stored and its
            // answer lost): back off a little (jittered) and decide again on fresh data,
            // where a change of ours already made is found in the value's record.
            if (++lost >= MAX_CAS_ATTEMPTS) {
              throw new Error(
                `stock of ${sku} is too contended: ${MAX_CAS_ATTEMPTS} compare-and-set attempts lost`,
                { cause: error },
              );
            }
            await delay(casBackoff.backoff(lost - 1));
          }
        }
      },
      { timeoutMs: OUTAGE_WAIT_MS, delays: outageBackoff },
    );
  }

  /** One read-decide-write round of `adjust`; a lost compare-and-set is thrown. */
  private async adjustOnce(
    sku: string,
    delta: number,
    operationId: string,
    madeBefore?: MadeBefore,
  ): Promise<AdjustResult> {
    const entry = await this.serial.get(stockKey(sku));
    if (!entry || entry.operation !== 'PUT') return { ok: false, available: null };
    const stock = entry.json<StockValue>();
    const { available, priceCents } = stock;
    // A first attempt cannot have been made: only a change made again asks `since`.
    const made = wasMade(stock, entry.revision, operationId, madeBefore?.since);
    if (made === 'made') return { ok: true, available, priceCents, made: 'before' };
    if (made === 'unknown' && madeBefore?.ifUnknown === 'leave-out') {
      this.logger.warn({
        msg: 'cannot tell whether a stock change was made before; left out (under-selling, never overselling)',
        sku,
        operationId,
        delta,
      });
      this.metrics.leftOut(delta);
      return { ok: true, available, priceCents, made: 'left-out' };
    }
    // Not enough left (a take made before and forgotten would have been found above).
    if (available + delta < 0) return { ok: false, available };
    const next = withChange(
      stock,
      entry.revision,
      delta,
      operationId,
      config.INVENTORY_STOCK_CHANGES_KEPT,
    );
    await this.serial.update(stockKey(sku), JSON.stringify(next), entry.revision);
    return { ok: true, available: next.available, priceCents, made: 'now' };
  }

  /**
   * Puts `lines` back in stock, one change per line, each under `operationIdOf(sku)`. Made
   * again (a retry finishing a cut-off release or rejection), pass `since`, the revisions
   * recorded before the first attempt: what already went back is found and not repeated;
   * what cannot be told is left out.
   */
  async giveBack(
    lines: OrderLine[],
    operationIdOf: (sku: string) => string,
    again?: { since: Record<string, number> | undefined },
  ): Promise<void> {
    for (const line of lines) {
      const madeBefore: MadeBefore | undefined = again && {
        since: again.since?.[line.sku],
        ifUnknown: 'leave-out',
      };
      await this.adjust(line.sku, line.quantity, operationIdOf(line.sku), madeBefore);
    }
  }
}
