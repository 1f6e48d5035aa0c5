import { Injectable, Logger } from '@nestjs/common';
import type { OrderLine, ReserveStockCommand, ReserveStockReply } from '@switchyard/contracts';
import { planReservation } from '../stock/reservation-plan';
import {
  ReservationStore,
  type Reservation,
  type StoredReservation,
} from '../stock/reservation-store';
import { StockStore } from '../stock/stock-store';

/** A pending reservation older than this is taken over: its owner is assumed dead. */
const STALE_PENDING_MS = 10_000;

export class ReservationInProgressError extends Error {
  constructor(readonly orderId: string) {
    super(`reservation of order ${orderId} is being made by another instance; retry shortly`);
  }
}

/**
 * ### Reserve all lines of an order, or none.
 *
 * 1. Claim `reservation.<orderId>` (create: only one instance wins). A retry finds the
 *    claim and gets the first answer back: reservations are idempotent per order.
 * 2. Take each line from stock (CAS), recording progress in the claim after each one,
 *    so that an instance that dies half-way leaves a record of what it took.
 * 3. A line that cannot be served: give back the lines already taken, mark rejected.
 * A claim left `pending` by a dead instance is taken over after `STALE_PENDING_MS`:
 * the new owner first gives back what the old one recorded, then starts over.
 */
@Injectable()
export class ReserveStockHandler {
  private readonly logger = new Logger(ReserveStockHandler.name);

  constructor(
    private readonly stock: StockStore,
    private readonly reservations: ReservationStore,
  ) {}

  async handle({ orderId, items }: ReserveStockCommand): Promise<ReserveStockReply> {
    const fresh: Reservation = {
      state: 'pending',
      lines: planReservation(items),
      applied: 0,
      totalCents: 0,
      claimedAt: new Date().toISOString(),
    };
    const claim = await this.reservations.claim(orderId, fresh);
    let owned: StoredReservation;
    if ('created' in claim) {
      owned = claim.created;
    } else {
      const { reservation, revision } = claim.existing;
      if (reservation.state !== 'pending') return this.answer(orderId, reservation);
      if (Date.now() - Date.parse(reservation.claimedAt) < STALE_PENDING_MS)
        throw new ReservationInProgressError(orderId);
      const takenOver = await this.reservations.replace(orderId, fresh, revision);
      if (!takenOver) throw new ReservationInProgressError(orderId);
      this.logger.warn({
        msg: 'took over a stale reservation',
        orderId,
        applied: reservation.applied,
      });
      await this.giveBack(reservation.lines.slice(0, reservation.applied));
      owned = takenOver;
    }
    return this.reserveLines(orderId, owned);
  }

  private async reserveLines(
    orderId: string,
    owned: StoredReservation,
  ): Promise<ReserveStockReply> {
    const { lines } = owned.reservation;
    for (const [index, line] of lines.entries()) {
      const taken = await this.stock.adjust(line.sku, -line.quantity);
      if (!taken.ok) {
        const rejected: Reservation = {
          ...owned.reservation,
          state: 'rejected',
          applied: 0,
          totalCents: 0,
          reason: taken.available === null ? 'unknown-sku' : 'insufficient-stock',
          shortages: [{ sku: line.sku, requested: line.quantity, available: taken.available ?? 0 }],
        };
        // Mark first, then give back. The other way round, a failed mark (NATS restarting)
        // left the claim pending with `applied` lines recorded, and the instance taking it
        // over gave them back a second time: stock appeared from nowhere (found by the fault
        // drills). Dying between the two now strands the units instead: under-selling,
        // never overselling, as in `ReleaseStockHandler`.
        await this.commit(orderId, rejected, owned.revision);
        await this.giveBack(lines.slice(0, index));
        return this.answer(orderId, rejected);
      }
      const progress: Reservation = {
        ...owned.reservation,
        applied: index + 1,
        totalCents: owned.reservation.totalCents + line.quantity * taken.priceCents,
      };
      const progressed = await this.reservations.replace(orderId, progress, owned.revision);
      if (!progressed) {
        // Another instance took this reservation over (we were too slow): undo our own
        // last step; everything recorded before it is the new owner's to give back.
        await this.giveBack([line]);
        throw new ReservationInProgressError(orderId);
      }
      owned = progressed;
    }
    const reserved: Reservation = { ...owned.reservation, state: 'reserved' };
    await this.commit(orderId, reserved, owned.revision);
    return this.answer(orderId, reserved);
  }

  /**
   * Final CAS write of the reservation. Losing it means another instance took the claim
   * over, and that instance gives back every line the claim records as applied: ours
   * included, so giving them back here too would return them twice.
   */
  private async commit(orderId: string, reservation: Reservation, revision: number): Promise<void> {
    if (await this.reservations.replace(orderId, reservation, revision)) return;
    throw new ReservationInProgressError(orderId);
  }

  private async giveBack(lines: OrderLine[]): Promise<void> {
    for (const line of lines) await this.stock.adjust(line.sku, line.quantity);
  }

  private answer(orderId: string, reservation: Reservation): ReserveStockReply {
    if (reservation.state === 'rejected') {
      return {
        outcome: 'rejected',
        orderId,
        reason: reservation.reason ?? 'insufficient-stock',
        shortages: reservation.shortages ?? [],
      };
    }
    // `reserved`, or `released` later: the command's answer was and stays "reserved".
    return { outcome: 'reserved', orderId, totalCents: reservation.totalCents };
  }
}
