import { Injectable, Logger } from '@nestjs/common';
import type { OrderLine, ReserveStockCommand, ReserveStockReply } from '@switchyard/contracts';
import { stockOperationId } from '../stock/operation-ids';
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
 * 2. Take each line from stock (CAS, one operation id per line: `stockOperationId`),
 *    recording progress in the claim after each one, so that an instance that dies
 *    half-way leaves a record of what it took.
 * 3. A line that cannot be served: mark rejected, give back the lines already taken.
 *
 * A claim left `pending` by a dead instance is taken over after `STALE_PENDING_MS`, and
 * the new owner carries on from the record: the lines before `applied` are taken for
 * sure; the next one may have been taken with its answer lost (NATS restarting under
 * it). Taking it again under the same operation id finds it in the stock key's record of
 * its last changes and takes nothing (`StockValue`). (It used to give back what the record
 * said and start over, which stranded that last line's units: the NATS-restart drill
 * printed them.)
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
      if (reservation.state !== 'pending') {
        if (reservation.state === 'rejected') await this.finishGivingBack(orderId, reservation);
        return this.answer(orderId, reservation);
      }
      const age = Date.now() - Date.parse(reservation.claimedAt);
      if (age < STALE_PENDING_MS) throw new ReservationInProgressError(orderId);
      const resumed: Reservation = { ...reservation, claimedAt: fresh.claimedAt };
      const takenOver = await this.reservations.replace(orderId, resumed, revision);
      if (!takenOver) throw new ReservationInProgressError(orderId);
      this.logger.warn({
        msg: 'took over a stale reservation, carrying on from its record',
        orderId,
        applied: reservation.applied,
      });
      owned = takenOver;
    }
    return this.reserveLines(orderId, owned);
  }

  private async reserveLines(
    orderId: string,
    owned: StoredReservation,
  ): Promise<ReserveStockReply> {
    const { lines } = owned.reservation;
    for (let index = owned.reservation.applied; index < lines.length; index++) {
      const line = lines[index]!;
      const taken = await this.stock.adjust(
        line.sku,
        -line.quantity,
        stockOperationId.reserve(orderId, line.sku),
      );
      if (!taken.ok) {
        const takenLines = lines.slice(0, index);
        const rejected: Reservation = {
          ...owned.reservation,
          state: 'rejected',
          applied: 0,
          totalCents: 0,
          returned: index,
          rejectedAt: new Date().toISOString(),
          reason: taken.available === null ? 'unknown-sku' : 'insufficient-stock',
          shortages: [{ sku: line.sku, requested: line.quantity, available: taken.available ?? 0 }],
          givingBackFrom: await this.stock.revisions(takenLines.map(({ sku }) => sku)),
        };
        // Mark first, then give back. The other way round, a failed mark (NATS restarting)
        // left the claim pending with `applied` lines recorded though they were back in
        // stock, and the instance taking it over treated them as held: stock appeared from
        // nowhere (found by the fault drills). If the give-backs are cut short now, the
        // saga's retry of this reserve finds the mark and finishes them
        // (`finishGivingBack`).
        await this.commit(orderId, rejected, owned.revision);
        await this.giveBack(orderId, takenLines);
        return this.answer(orderId, rejected);
      }
      const progress: Reservation = {
        ...owned.reservation,
        applied: index + 1,
        totalCents: owned.reservation.totalCents + line.quantity * taken.priceCents,
      };
      const progressed = await this.reservations.replace(orderId, progress, owned.revision);
      if (!progressed) {
        // Another instance took this reservation over (we were too slow). It carries on
        // from the record, so it makes this same take, under the same operation id: one
        // of the two is stored, the other is a duplicate. Nothing to undo here: giving
        // this line back would return units the new owner counts as taken (overselling).
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

  /**
   * A rejection's give-backs may not all have happened (an answer lost, the process gone
   * after the mark): a later reserve of the order, the saga's retry, makes them again.
   * Each one already made is found in its stock key's record and not repeated; one that
   * cannot be told any more is left out (under-selling, never overselling).
   */
  private async finishGivingBack(orderId: string, rejected: Reservation): Promise<void> {
    if (!rejected.returned) return;
    await this.giveBack(orderId, rejected.lines.slice(0, rejected.returned), {
      since: rejected.givingBackFrom,
    });
  }

  private giveBack(
    orderId: string,
    lines: OrderLine[],
    again?: { since: Record<string, number> | undefined },
  ): Promise<void> {
    return this.stock.giveBack(lines, (sku) => stockOperationId.unreserve(orderId, sku), again);
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
