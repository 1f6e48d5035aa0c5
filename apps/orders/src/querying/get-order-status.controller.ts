import { Controller, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { GetOrderStatusReply } from '@switchyard/contracts';
import { parseRequest, Serves } from '@switchyard/service';
import { CATALOG } from '../config';
import { OrderEventStore } from '../event-store/order-event-store';
import { ORDERS_RPC_ERRORS } from '../placing/rpc-errors';
import { statusOf } from './order-status';

const route = CATALOG.routes.getOrderStatus;

/**
 * `GetOrderStatus` over NATS request-reply (queue group `orders`): the order's stream,
 * loaded and folded. Strongly consistent: it answers from what JetStream stored, not from
 * the read model that follows it.
 */
@Controller()
@UseFilters(ORDERS_RPC_ERRORS)
export class GetOrderStatusController {
  constructor(private readonly store: OrderEventStore) {}

  @Serves(route)
  async getOrderStatus(@Payload() payload: unknown): Promise<GetOrderStatusReply> {
    const { orderId } = parseRequest(route, payload);
    const { state } = await this.store.load(orderId);
    if (state.status === 'unknown') return { found: false, orderId };
    return { found: true, orderId, status: statusOf(state), version: state.version };
  }
}
