import { Controller, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ReserveStockReply } from '@switchyard/contracts';
import { parseRequest, Serves } from '@switchyard/service';
import { CATALOG } from '../config';
import { INVENTORY_RPC_ERRORS } from '../rpc-errors';
import { ReserveStockHandler } from './reserve-stock.handler';

const route = CATALOG.routes.reserveStock;

/** `ReserveStock` over NATS request-reply, queue group `inventory`. */
@Controller()
@UseFilters(INVENTORY_RPC_ERRORS)
export class ReserveStockController {
  constructor(private readonly handler: ReserveStockHandler) {}

  @Serves(route)
  reserve(@Payload() payload: unknown): Promise<ReserveStockReply> {
    return this.handler.handle(parseRequest(route, payload));
  }
}
