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
  MessageHeaders,
  OrderViewSchema,
  PlaceOrderReplySchema,
  PlaceOrderRequestSchema,
  type OrderView,
  type PlaceOrderReply,
  type PlaceOrderRequest,
} from '@switchyard/contracts';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATALOG } from '../config';
import { propagatedHeaders } from '../http/correlation';
import { problem } from '../http/problem-details';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ServiceClient } from '../nats/service-client';
import {
  ApiBodyLimitProblems,
  ApiIdempotencyKey,
  ApiProblem,
  ApiPropagatedHeaders,
  ApiServiceProblems,
  locationHeader,
} from '../openapi/api-docs';

const idempotencyKeyPipe = new ZodValidationPipe(
  IdempotencyKeySchema.optional(),
  'Invalid Idempotency-Key',
);

/** HTTP → NATS request-reply. Validation happens here; every decision lives in the services. */
@ApiTags('orders')
@ApiPropagatedHeaders()
@ApiServiceProblems()
@Controller('orders')
export class OrdersHttpController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    operationId: 'placeOrder',
    summary: 'Place an order',
    description:
      'Answered once the `OrderPlaced` event is stored in JetStream (`PLACED`); stock and ' +
      'payment follow in the saga, and `GET /orders/{orderId}` shows the outcome a moment later.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({
    status: 201,
    description: 'Placed: the event is stored.',
    standardSchema: PlaceOrderReplySchema,
    headers: locationHeader('`/orders/<orderId>`: where to read the order.'),
  })
  @ApiProblem(
    400,
    '`Invalid order`: one `errors[]` entry per invalid field, named by its path (`customerId`, ' +
      '`items.0.sku`; `(body)` for the body as a whole, e.g. an unknown key or a body that is ' +
      'not an object). `Invalid Idempotency-Key`. `Malformed request`: the body is not UTF-8. ' +
      "Malformed JSON: the title is the parser's message (`Body is not valid JSON but " +
      "content-type is set to 'application/json'`).",
  )
  @ApiProblem(409, '`Concurrent change`: another write to the same order won; retry.')
  @ApiBodyLimitProblems()
  @ApiProblem(422, '`Idempotency-Key reused` with a different body.')
  async placeOrder(
    @Body({
      schema: PlaceOrderRequestSchema,
      pipes: [new ZodValidationPipe(PlaceOrderRequestSchema, 'Invalid order')],
    })
    body: PlaceOrderRequest,
    // Optional. Retrying with the same key (after a timeout, a dropped connection) returns
    // the first order instead of placing a second one.
    @Headers('idempotency-key') rawIdempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlaceOrderReply> {
    // When the gateway took the order: stored with `OrderPlaced` (envelope headers), the
    // first hop of the order's journey (`GET /admin/orders/:id/journey`, ADR 0046).
    const requestedAt = new Date().toISOString();
    const idempotencyKey = idempotencyKeyPipe.transform(rawIdempotencyKey);
    const result = await this.services.request(
      CATALOG.routes.placeOrder,
      { ...body, commandId: randomUUID(), idempotencyKey },
      { ...propagatedHeaders(request), [MessageHeaders.requestedAt]: requestedAt },
    );
    void reply.header('location', `/orders/${result.orderId}`);
    return result;
  }

  /**
   * Reads the projected read model. Right after `POST /orders` this can be 404 for a
   * moment: the read side is eventually consistent (JetStream → bridge → Kafka → projector).
   */
  @Get(':orderId')
  @ApiOperation({
    operationId: 'getOrder',
    summary: 'Read an order from the read model',
    description:
      'The projected order, its status following the saga. Eventually consistent: 404 for a ' +
      'moment right after `POST /orders`.',
  })
  @ApiResponse({ status: 200, description: 'The order.', standardSchema: OrderViewSchema })
  @ApiProblem(400, '`Invalid order id`: not a UUID.')
  @ApiProblem(404, '`Order not found`: no such order, or not projected yet.')
  async getOrder(
    @Param({
      schema: GetOrderQuerySchema,
      pipes: [new ZodValidationPipe(GetOrderQuerySchema, 'Invalid order id')],
    })
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
