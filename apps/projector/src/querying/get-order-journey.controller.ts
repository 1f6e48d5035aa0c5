import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { GetOrderJourneyReply } from '@switchyard/contracts';
import { findOrderJournal } from '@switchyard/read-models';
import { parseRequest, PG_POOL, Serves } from '@switchyard/service';
import type { Pool } from 'pg';
import { CATALOG, TOPOLOGY } from '../config';

const route = CATALOG.routes.getOrderJourney;

/**
 * `GetOrderJourney` over NATS request-reply (queue group `projector`): the journal the
 * live projector writes with its rows, for the gateway's order journey (ADR 0046).
 */
@Controller()
export class GetOrderJourneyController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Serves(route)
  async getOrderJourney(@Payload() payload: unknown): Promise<GetOrderJourneyReply> {
    const query = parseRequest(route, payload);
    return {
      events: await findOrderJournal(this.pool, TOPOLOGY.postgres.schema, query.orderId),
    };
  }
}
