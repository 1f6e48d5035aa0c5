import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetStockQuerySchema, type GetStockReply } from '@switchyard/contracts';
import { TOPOLOGY } from '../config';
import { parsePayload } from '@switchyard/service';
import { StockStore } from '../stock/stock-store';

/** `GetStock` over NATS request-reply, queue group `inventory`. */
@Controller()
export class GetStockController {
  constructor(private readonly stock: StockStore) {}

  @MessagePattern(TOPOLOGY.nats.subjects.getStock, { queue: TOPOLOGY.nats.queues.inventory })
  async getStock(@Payload() payload: unknown): Promise<GetStockReply> {
    const { sku } = parsePayload(GetStockQuerySchema, payload, 'Invalid GetStock query');
    const stock = await this.stock.find(sku);
    return stock === null ? { found: false, sku } : { found: true, sku, ...stock };
  }
}
