import { Injectable } from '@nestjs/common';
import type { ReleaseStockCommand, ReleaseStockReply } from '@switchyard/contracts';
import { ReservationInProgressError } from '../reserving/reserve-stock.handler';
import { ReservationStore } from '../stock/reservation-store';
import { StockStore } from '../stock/stock-store';

/**
 * ### Give back what an order holds, exactly once.
 *
 * The reservation is marked `released` (CAS) *before* the stock is returned: of two
 * concurrent releases only one wins the CAS and returns stock. If the process dies in
 * between, those units stay out of stock: the failure errs toward under-selling, never
 * toward overselling.
 */
@Injectable()
export class ReleaseStockHandler {
  constructor(
    private readonly stock: StockStore,
    private readonly reservations: ReservationStore,
  ) {}

  async handle({ orderId }: ReleaseStockCommand): Promise<ReleaseStockReply> {
    const stored = await this.reservations.get(orderId);
    if (
      !stored ||
      stored.reservation.state === 'rejected' ||
      stored.reservation.state === 'released'
    ) {
      return { orderId, outcome: 'nothing-to-release' };
    }
    if (stored.reservation.state === 'pending') throw new ReservationInProgressError(orderId);
    const released = await this.reservations.replace(
      orderId,
      { ...stored.reservation, state: 'released' },
      stored.revision,
    );
    if (!released) return { orderId, outcome: 'nothing-to-release' };
    for (const line of stored.reservation.lines) await this.stock.adjust(line.sku, line.quantity);
    return { orderId, outcome: 'released' };
  }
}
