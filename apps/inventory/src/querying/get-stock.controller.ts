import { Controller, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { GetStockReply } from '@switchyard/contracts';
import { parseRequest, Serves } from '@switchyard/service';
import { CATALOG } from '../config';
import { INVENTORY_RPC_ERRORS } from '../rpc-errors';
import { StockStore } from '../stock/stock-store';

const route = CATALOG.routes.getStock;

/** `GetStock` over NATS request-reply, queue group `inventory`. */
@Controller()
@UseFilters(INVENTORY_RPC_ERRORS)
export class GetStockController {
  constructor(private readonly stock: StockStore) {}

  @Serves(route)
  async getStock(@Payload() payload: unknown): Promise<GetStockReply> {
    const { sku } = parseRequest(route, payload);
    const stock = await this.stock.find(sku);
    return stock === null ? { found: false, sku } : { found: true, sku, ...stock };
  }
}
