import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { GetOrderReply } from '@switchyard/contracts';
import { findOrder } from '@switchyard/read-models';
import { parseRequest, PG_POOL, Serves } from '@switchyard/service';
import type { Pool } from 'pg';
import { CATALOG, TOPOLOGY } from '../config';

const route = CATALOG.routes.getOrder;

/** `GetOrder` over NATS request-reply (queue group `projector`), from the live read model. */
@Controller()
export class GetOrderController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Serves(route)
  async getOrder(@Payload() payload: unknown): Promise<GetOrderReply> {
    const query = parseRequest(route, payload);
    const order = await findOrder(this.pool, TOPOLOGY.postgres.schema, query.orderId);
    return order ? { found: true, order } : { found: false };
  }
}
