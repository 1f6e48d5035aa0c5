import {
  applyDecorators,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  CONTROLLED_SERVICES,
  ConsumerControlResultSchema,
  ConsumerSummarySchema,
  ControlledServiceSchema,
  type ConsumerControlResult,
  type ConsumerSummary,
  type ControlledService,
} from '@switchyard/contracts';
import { z } from 'zod';
import { TOPOLOGY } from '../config';
import { problem } from '../http/problem-details';
import { ConsumerControlClient } from '../nats/consumer-control.client';
import { ApiNoBodyProblems, ApiProblem } from '../openapi/api-docs';
import { controlResult, summarizeConsumers } from './consumer-summary';
import { AdminOnly } from '../security/admin-auth.guard';
import { KnownNamePipe } from './known-name.pipe';

/** `:service`: one whose consumers can be controlled; anything else is a 404. */
const knownService = new KnownNamePipe<ControlledService>('service', CONTROLLED_SERVICES);
const serviceParam = { schema: ControlledServiceSchema, pipes: [knownService] };

/** Pause and resume answer the same way. */
const ApiControlAnswers = () =>
  applyDecorators(
    ApiResponse({
      status: 200,
      description: "The service's consumers afterwards, over every instance that answered.",
      standardSchema: ConsumerControlResultSchema,
    }),
    ApiProblem(404, '`Unknown service`: not one whose consumers can be controlled.'),
    ApiProblem(503, '`No instance answered`: the service is not running.'),
    ApiNoBodyProblems(),
  );

/**
 * The consumer control plane over HTTP (ADR 0016): see which consumers run, pause a
 * service's consumers (work waits in JetStream or Kafka) and resume them. Operator-only,
 * like every `/admin` route: the admin token (`AdminOnly`, ADR 0034).
 */
@ApiTags('admin')
@AdminOnly()
@Controller('admin/consumers')
export class ConsumersHttpController {
  constructor(private readonly control: ConsumerControlClient) {}

  /** One line per consumer of every controlled service: `[{service, consumer, paused, instances}]`. */
  @Get()
  @ApiOperation({
    operationId: 'listConsumers',
    summary: 'Every consumer of every controlled service, paused or not',
    description:
      'Broadcast to every instance; a service nobody runs is listed with `instances: 0`.',
  })
  @ApiResponse({
    status: 200,
    description: 'One line per consumer.',
    standardSchema: z.array(ConsumerSummarySchema),
  })
  async list(): Promise<ConsumerSummary[]> {
    const perService = await Promise.all(
      CONTROLLED_SERVICES.map(async (service) =>
        summarizeConsumers(
          service,
          TOPOLOGY.controlledConsumers[service],
          await this.control.status(service),
        ),
      ),
    );
    return perService.flat();
  }

  /** 200 once every instance that answered has finished its in-flight work and paused. */
  @Post(':service/pause')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'pauseConsumers',
    summary: "Pause a service's consumers on every instance",
    description:
      'Answers once every instance that answered has settled its batch and stopped pulling; ' +
      'work waits in JetStream or Kafka. Pause state does not survive a restart.',
  })
  @ApiControlAnswers()
  pause(@Param('service', serviceParam) service: ControlledService) {
    return this.apply(service, 'pause');
  }

  @Post(':service/resume')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'resumeConsumers',
    summary: "Resume a service's consumers on every instance",
  })
  @ApiControlAnswers()
  resume(@Param('service', serviceParam) service: ControlledService) {
    return this.apply(service, 'resume');
  }

  private async apply(
    service: ControlledService,
    action: 'pause' | 'resume',
  ): Promise<ConsumerControlResult> {
    const replies = await this.control.command(service, action);
    if (replies.length === 0) {
      throw new ServiceUnavailableException(
        problem(HttpStatus.SERVICE_UNAVAILABLE, 'No instance answered', {
          detail: `No ${service} instance answered on the control plane: is ${service} running?`,
        }),
      );
    }
    const consumers = summarizeConsumers(service, TOPOLOGY.controlledConsumers[service], replies);
    return controlResult(service, consumers, replies.length);
  }
}
