import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, Payload, type NatsContext } from '@nestjs/microservices';
import { MessageHeaders, TRACE_HEADERS, type PlaceOrderReply } from '@switchyard/contracts';
import type { MsgHdrs } from '@nats-io/transport-node';
import { fromNatsHeaders } from '@switchyard/messaging';
import { parseRequest, Serves } from '@switchyard/service';
import { CATALOG } from '../config';
import { PlaceOrderHandler } from './place-order.handler';
import { ORDERS_RPC_ERRORS } from './rpc-errors';

const route = CATALOG.routes.placeOrder;

/**
 * NATS request-reply → `PlaceOrderHandler`. Every instance joins the `orders` queue
 * group, so each request is handled by exactly one of them (competing consumers):
 * start another instance and it takes a share of the work at once.
 */
@Controller()
@UseFilters(ORDERS_RPC_ERRORS)
export class PlaceOrderController {
  constructor(private readonly handler: PlaceOrderHandler) {}

  @Serves(route)
  placeOrder(@Payload() payload: unknown, @Ctx() context: NatsContext): Promise<PlaceOrderReply> {
    // Never trust the wire, even from our own gateway.
    const command = parseRequest(route, payload);
    // Nest types NATS headers as `any`; they are nats.js `MsgHdrs`.
    const headers = fromNatsHeaders(context.getHeaders() as MsgHdrs | undefined);
    return this.handler.handle(command, {
      correlationId: headers[MessageHeaders.correlationId] ?? command.commandId,
      headers: Object.fromEntries(
        [...TRACE_HEADERS, MessageHeaders.requestedAt].flatMap((name) =>
          headers[name] ? [[name, headers[name]]] : [],
        ),
      ),
    });
  }
}
