import { Injectable } from '@nestjs/common';
import { InventoryKeys, type OrderLine, type Shortage } from '@switchyard/contracts';
import { isRevisionConflict, retryThroughOutage } from '@switchyard/messaging';
import { OUTAGE_WAIT_MS, outageBackoff } from './outage-wait';
import { StockStore } from './stock-store';

export type ReservationState = 'pending' | 'reserved' | 'rejected' | 'released';

/** What one order holds, stored under `reservation.<orderId>` in the same KV bucket. */
export interface Reservation {
  state: ReservationState;
  /** The planned lines (merged, SKU order). */
  lines: OrderLine[];
  /** How many of `lines` have been taken from stock so far (progress of a pending one). */
  applied: number;
  shortages?: Shortage[];
  /** Sum of quantity × unit price of the lines taken so far. */
  totalCents: number;
  reason?: 'insufficient-stock' | 'unknown-sku';
  claimedAt: string;
  /** When it was marked `released` (a later release finishes its give-backs: `ReleaseStockHandler`). */
  releasedAt?: string;
  /**
   * Rejected: how many of `lines` (from the first) it had taken, and gives back, and
   * when it was marked: a later reserve of the order finishes those give-backs.
   */
  returned?: number;
  rejectedAt?: string;
  /**
   * Released or rejected: per SKU to give back, the revision of its stock key read before
   * the first give-back. A retry finishing the give-backs tells from it whether each one
   * was made (`StockValue`, ADR 0032); without it, a give-back in doubt is left out.
   */
  givingBackFrom?: Record<string, number>;
}

export interface StoredReservation {
  reservation: Reservation;
  revision: number;
}

const reservationKey = InventoryKeys.reservation;

/**
 * Reservations are the idempotency record: the first instance to `create` the key owns
 * the order's reservation; every later attempt (a retry, a duplicate delivery, another
 * instance) finds it and answers from it. Every change is CAS on the key's revision.
 */
@Injectable()
export class ReservationStore {
  constructor(private readonly stock: StockStore) {}

  /** Creates the record, or returns the one that exists. */
  async claim(
    orderId: string,
    reservation: Reservation,
  ): Promise<{ created: StoredReservation } | { existing: StoredReservation }> {
    try {
      const revision = await this.stock.kv.create(
        reservationKey(orderId),
        JSON.stringify(reservation),
      );
      return { created: { reservation, revision } };
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
      const existing = await this.get(orderId);
      if (!existing)
        throw new Error(`reservation ${orderId} exists and vanished`, { cause: error });
      return { existing };
    }
  }

  async get(orderId: string): Promise<StoredReservation | undefined> {
    const entry = await this.stock.kv.get(reservationKey(orderId));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return { reservation: entry.json<Reservation>(), revision: entry.revision };
  }

  /**
   * CAS write; `undefined` when someone else changed the record first.
   *
   * A write whose answer NATS could not give (a node restarting, a leader being elected)
   * may have been stored all the same. It is settled here, within `OUTAGE_WAIT_MS`, by
   * reading the record again: still at `revision`, the write is sent again; holding exactly
   * what we wrote, it was ours; anything else, someone else's. Thrown to the caller
   * instead, the reservation was left for another instance to take over 10 s later, with
   * the line just taken in doubt (the cluster drill's NATS rolling restart stranded a unit
   * that way: `StockStore.adjust` says why).
   */
  async replace(
    orderId: string,
    reservation: Reservation,
    revision: number,
  ): Promise<StoredReservation | undefined> {
    const written = JSON.stringify(reservation);
    // Set once a write was sent: after an outage it may have been stored, so read first.
    let sent = false;
    return retryThroughOutage(
      async () => {
        if (sent) {
          const now = await this.get(orderId);
          if (now?.revision !== revision)
            return now && JSON.stringify(now.reservation) === written ? now : undefined;
        }
        sent = true;
        try {
          const next = await this.stock.kv.update(reservationKey(orderId), written, revision);
          return { reservation, revision: next };
        } catch (error) {
          if (isRevisionConflict(error)) return undefined;
          throw error;
        }
      },
      { timeoutMs: OUTAGE_WAIT_MS, delays: outageBackoff },
    );
  }
}
