import { Controller, HttpStatus } from '@nestjs/common';
import {
  Ctx,
  MessagePattern,
  Payload,
  RpcException,
  type NatsContext,
} from '@nestjs/microservices';
import {
  MessageHeaders,
  PlaceOrderCommandSchema,
  TRACE_HEADERS,
  type PlaceOrderReply,
} from '@switchyard/contracts';
import type { MsgHdrs } from '@nats-io/transport-node';
import { fromNatsHeaders } from '@switchyard/messaging';
import { parsePayload } from '@switchyard/service';
import { TOPOLOGY } from '../config';
import { ConcurrencyConflictError } from '../event-store/order-event-store';
import { IdempotencyKeyReusedError } from './idempotency-store';
import { PlaceOrderHandler } from './place-order.handler';

/**
 * NATS request-reply → `PlaceOrderHandler`. Every instance joins the `orders` queue
 * group, so each request is handled by exactly one of them (competing consumers):
 * start another instance and it takes a share of the work at once.
 */
@Controller()
export class PlaceOrderController {
  constructor(private readonly handler: PlaceOrderHandler) {}

  @MessagePattern(TOPOLOGY.nats.subjects.placeOrder, { queue: TOPOLOGY.nats.queues.orders })
  async placeOrder(
    @Payload() payload: unknown,
    @Ctx() context: NatsContext,
  ): Promise<PlaceOrderReply> {
    // Never trust the wire, even from our own gateway.
    const command = parsePayload(PlaceOrderCommandSchema, payload, 'Invalid PlaceOrder command');
    // Nest types NATS headers as `any`; they are nats.js `MsgHdrs`.
    const headers = fromNatsHeaders(context.getHeaders() as MsgHdrs | undefined);
    try {
      return await this.handler.handle(command, {
        correlationId: headers[MessageHeaders.correlationId] ?? command.commandId,
        headers: Object.fromEntries(
          TRACE_HEADERS.flatMap((name) => (headers[name] ? [[name, headers[name]]] : [])),
        ),
      });
    } catch (error) {
      if (error instanceof IdempotencyKeyReusedError) {
        throw new RpcException({
          status: HttpStatus.UNPROCESSABLE_ENTITY,
          title: 'Idempotency-Key reused',
          detail: error.message,
        });
      }
      if (error instanceof ConcurrencyConflictError) {
        throw new RpcException({
          status: HttpStatus.CONFLICT,
          title: 'Concurrent change',
          detail: error.message,
        });
      }
      // JetStream did not confirm the write: nothing is promised, the caller may retry
      // with the same command id and will not get a second order.
      throw new RpcException({
        status: HttpStatus.SERVICE_UNAVAILABLE,
        title: 'Order could not be stored',
        detail: (error as Error).message,
      });
    }
  }
}
