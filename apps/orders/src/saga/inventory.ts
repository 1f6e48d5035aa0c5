import { Injectable } from '@nestjs/common';
import type { OrderLine, ReleaseStockReply, ReserveStockReply } from '@switchyard/contracts';
import { RequestReplyClient } from '@switchyard/service';
import { CATALOG } from '../config';

/**
 * The saga's two questions to inventory, over the catalog's routes. Any failure (no
 * responders, a timeout, an error answer such as "reservation in progress", a reply that
 * breaks its schema) throws: the saga step is then nak'ed and JetStream redelivers it
 * later. The saga never guesses an inventory answer.
 */
@Injectable()
export class Inventory {
  constructor(private readonly requests: RequestReplyClient) {}

  reserve(
    orderId: string,
    items: OrderLine[],
    headers: Record<string, string>,
  ): Promise<ReserveStockReply> {
    return this.requests.request(CATALOG.routes.reserveStock, { orderId, items }, headers);
  }

  release(orderId: string, headers: Record<string, string>): Promise<ReleaseStockReply> {
    return this.requests.request(CATALOG.routes.releaseStock, { orderId }, headers);
  }
}
