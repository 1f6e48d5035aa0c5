import { Controller, HttpStatus, Inject } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { GetOrderQuerySchema, toFieldErrors, type GetOrderReply } from '@switchyard/contracts';
import { findOrder } from '@switchyard/read-models';
import { PG_POOL } from '@switchyard/service';
import type { Pool } from 'pg';
import { TOPOLOGY } from '../config';

/** `GetOrder` over NATS request-reply (queue group `projector`), from the live read model. */
@Controller()
export class GetOrderController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @MessagePattern(TOPOLOGY.nats.subjects.getOrder, { queue: TOPOLOGY.nats.queues.projector })
  async getOrder(@Payload() payload: unknown): Promise<GetOrderReply> {
    const query = GetOrderQuerySchema.safeParse(payload);
    if (!query.success) {
      throw new RpcException({
        status: HttpStatus.BAD_REQUEST,
        title: 'Invalid GetOrder query',
        errors: toFieldErrors(query.error),
      });
    }
    const order = await findOrder(this.pool, TOPOLOGY.postgres.schema, query.data.orderId);
    return order ? { found: true, order } : { found: false };
  }
}
