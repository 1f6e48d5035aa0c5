import { Injectable } from '@nestjs/common';
import type { OrderLine, ReleaseStockCommand, ReleaseStockReply } from '@switchyard/contracts';
import { ReservationInProgressError } from '../reserving/reserve-stock.handler';
import { stockOperationId } from '../stock/operation-ids';
import { ReservationStore } from '../stock/reservation-store';
import { StockStore } from '../stock/stock-store';

/** Reads and marks before giving up this delivery (the saga retries the release later). */
const MAX_ATTEMPTS = 5;

/**
 * ### Give back what an order holds, exactly once.
 *
 * The reservation is marked `released` (CAS) *before* the stock is returned: of two
 * concurrent releases only one wins the CAS and returns stock; the other reads again. Each line goes back under
 * its own operation id (`stockOperationId.release`), so a release whose give-backs did
 * not all happen (an answer lost while NATS restarted, the process stopped half-way) is
 * finished by the next release of the order, the saga's retry: what already went back is
 * found in its stock key's record of changes and not repeated, the rest goes back now.
 * The record is read against the revisions noted before the first give-back
 * (`givingBackFrom`); a line that cannot be told any more (far more changes to the SKU
 * since) is left out: under-selling, never overselling (ADR 0032).
 */
@Injectable()
export class ReleaseStockHandler {
  constructor(
    private readonly stock: StockStore,
    private readonly reservations: ReservationStore,
  ) {}

  async handle({ orderId }: ReleaseStockCommand): Promise<ReleaseStockReply> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const stored = await this.reservations.get(orderId);
      if (!stored || stored.reservation.state === 'rejected') {
        return { orderId, outcome: 'nothing-to-release' };
      }
      const { reservation, revision } = stored;
      if (reservation.state === 'released') {
        await this.giveBack(orderId, reservation.lines, { since: reservation.givingBackFrom });
        return { orderId, outcome: 'nothing-to-release' };
      }
      if (reservation.state === 'pending') throw new ReservationInProgressError(orderId);
      // Read before the mark, so before any give-back: what a retry compares with.
      const givingBackFrom = await this.stock.revisions(reservation.lines.map(({ sku }) => sku));
      const released = await this.reservations.replace(
        orderId,
        { ...reservation, state: 'released', releasedAt: new Date().toISOString(), givingBackFrom },
        revision,
      );
      if (released) {
        await this.giveBack(orderId, reservation.lines);
        return { orderId, outcome: 'released' };
      }
      // The mark lost its compare-and-set. Another release won it: the next read finds the
      // reservation released and finishes its give-backs (each once). Or the record changed
      // since we read it. Either way, decide again on what is there now. (It used to answer
      // "nothing to release" here, which is only true in the first case: on a cluster a read
      // a moment behind made a real release a no-op, and those units were never sold again.)
    }
    throw new ReservationInProgressError(orderId);
  }

  private giveBack(
    orderId: string,
    lines: OrderLine[],
    again?: { since: Record<string, number> | undefined },
  ): Promise<void> {
    return this.stock.giveBack(lines, (sku) => stockOperationId.release(orderId, sku), again);
  }
}
