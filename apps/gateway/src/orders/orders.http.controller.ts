import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  GetOrderQuerySchema,
  IdempotencyKeySchema,
  PlaceOrderRequestSchema,
  type OrderView,
  type PlaceOrderReply,
  type PlaceOrderRequest,
} from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATALOG } from '../config';
import { propagatedHeaders } from '../http/correlation';
import { problem } from '../http/problem-details';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ServiceClient } from '../nats/service-client';

const idempotencyKeyPipe = new ZodValidationPipe(
  IdempotencyKeySchema.optional(),
  'Invalid Idempotency-Key',
);

/** HTTP → NATS request-reply. Validation happens here; every decision lives in the services. */
@Controller('orders')
export class OrdersHttpController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async placeOrder(
    @Body(new ZodValidationPipe(PlaceOrderRequestSchema, 'Invalid order')) body: PlaceOrderRequest,
    // Optional. Retrying with the same key (after a timeout, a dropped connection) returns
    // the first order instead of placing a second one.
    @Headers('idempotency-key') rawIdempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlaceOrderReply> {
    const idempotencyKey = idempotencyKeyPipe.transform(rawIdempotencyKey);
    const result = await this.services.request(
      CATALOG.routes.placeOrder,
      { ...body, commandId: randomUUID(), idempotencyKey },
      propagatedHeaders(request),
    );
    void reply.header('location', `/orders/${result.orderId}`);
    return result;
  }

  /**
   * Reads the projected read model. Right after `POST /orders` this can be 404 for a
   * moment: the read side is eventually consistent (JetStream → bridge → Kafka → projector).
   */
  @Get(':orderId')
  async getOrder(
    @Param(new ZodValidationPipe(GetOrderQuerySchema, 'Invalid order id'))
    query: { orderId: string },
    @Req() request: FastifyRequest,
  ): Promise<OrderView> {
    const result = await this.services.request(
      CATALOG.routes.getOrder,
      query,
      propagatedHeaders(request),
    );
    if (!result.found) {
      throw new NotFoundException(
        problem(HttpStatus.NOT_FOUND, 'Order not found', {
          detail: `No order ${query.orderId} (yet).`,
        }),
      );
    }
    return result.order;
  }
}
