import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { GetOrderQuerySchema, OrderJourneySchema, type OrderJourney } from '@switchyard/contracts';
import type { FastifyRequest } from 'fastify';
import { propagatedHeaders } from '../http/correlation';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ApiProblem, ApiPropagatedHeaders, ApiServiceProblems } from '../openapi/api-docs';
import { AdminOnly } from '../security/admin-auth.guard';
import { JourneySources } from './journey-sources';

/**
 * `GET /admin/orders/:orderId/journey`: every hop of one order, from the HTTP request to
 * the projector's write, with the time each took (ADR 0046). Admin only: it names the
 * order and its positions in every log.
 */
@ApiTags('admin')
@AdminOnly()
@ApiPropagatedHeaders()
@ApiServiceProblems()
@Controller('admin/orders')
export class JourneyHttpController {
  constructor(private readonly sources: JourneySources) {}

  @Get(':orderId/journey')
  @ApiOperation({
    operationId: 'getOrderJourney',
    summary: "An order's journey: each hop, where it is recorded, and how long it took",
    description:
      'Assembled from what the system keeps: the JetStream appends, the saga steps, the ' +
      "bridge's Kafka positions and the projector's writes. Hops not reached yet are absent.",
  })
  @ApiResponse({ status: 200, description: 'The journey.', standardSchema: OrderJourneySchema })
  @ApiProblem(400, '`Invalid order id`: not a UUID.')
  @ApiProblem(404, '`Order not found`: no event of this order in JetStream.')
  journey(
    @Param({
      schema: GetOrderQuerySchema,
      pipes: [new ZodValidationPipe(GetOrderQuerySchema, 'Invalid order id')],
    })
    query: { orderId: string },
    @Req() request: FastifyRequest,
  ): Promise<OrderJourney> {
    return this.sources.journey(query.orderId, propagatedHeaders(request));
  }
}
