import { Controller, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { ReleaseStockReply } from '@switchyard/contracts';
import { parseRequest, Serves } from '@switchyard/service';
import { CATALOG } from '../config';
import { INVENTORY_RPC_ERRORS } from '../rpc-errors';
import { ReleaseStockHandler } from './release-stock.handler';

const route = CATALOG.routes.releaseStock;

/** `ReleaseStock` over NATS request-reply, queue group `inventory`. */
@Controller()
@UseFilters(INVENTORY_RPC_ERRORS)
export class ReleaseStockController {
  constructor(private readonly handler: ReleaseStockHandler) {}

  @Serves(route)
  release(@Payload() payload: unknown): Promise<ReleaseStockReply> {
    return this.handler.handle(parseRequest(route, payload));
  }
}
