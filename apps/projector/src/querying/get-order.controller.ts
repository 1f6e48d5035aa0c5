import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetOrderQuerySchema, type GetOrderReply } from '@switchyard/contracts';
import { findOrder } from '@switchyard/read-models';
import { parsePayload, PG_POOL } from '@switchyard/service';
import type { Pool } from 'pg';
import { TOPOLOGY } from '../config';

/** `GetOrder` over NATS request-reply (queue group `projector`), from the live read model. */
@Controller()
export class GetOrderController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @MessagePattern(TOPOLOGY.nats.subjects.getOrder, { queue: TOPOLOGY.nats.queues.projector })
  async getOrder(@Payload() payload: unknown): Promise<GetOrderReply> {
    const query = parsePayload(GetOrderQuerySchema, payload, 'Invalid GetOrder query');
    const order = await findOrder(this.pool, TOPOLOGY.postgres.schema, query.orderId);
    return order ? { found: true, order } : { found: false };
  }
}
