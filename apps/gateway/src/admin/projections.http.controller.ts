import { Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  PROJECTIONS,
  ProjectionNameSchema,
  ProjectionStatusSchema,
  RebuildProjectionReplySchema,
  type ProjectionName,
  type ProjectionStatus,
  type RebuildProjectionReply,
} from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATALOG } from '../config';
import { propagatedHeaders } from '../http/correlation';
import { ServiceClient } from '../nats/service-client';
import {
  ApiNoBodyProblems,
  ApiProblem,
  ApiPropagatedHeaders,
  ApiServiceProblems,
  locationHeader,
} from '../openapi/api-docs';
import { AdminOnly } from '../security/admin-auth.guard';
import { KnownNamePipe } from './known-name.pipe';

/** `:name`: a projection the contracts know; anything else is a 404. */
const knownProjection = new KnownNamePipe<ProjectionName>('projection', PROJECTIONS);

/**
 * Operator endpoints for the read models, answered by the rebuilder over NATS. Like
 * every `/admin` route they need the admin token (`AdminOnly`, ADR 0034).
 */
@ApiTags('admin')
@AdminOnly()
@ApiPropagatedHeaders()
@ApiServiceProblems()
@ApiProblem(
  404,
  '`Unknown projection`: `name` is not one of the projections (`detail` lists them).',
)
@Controller('admin/projections')
export class ProjectionsHttpController {
  constructor(private readonly services: ServiceClient) {}

  /**
   * 202: a rebuild takes minutes, so the answer is "accepted, follow it there"
   * (`Location`), not the result. 409 if one is already running for this projection, or
   * if the topic no longer holds the whole history (`Source history incomplete`, with the
   * partitions and offsets in `detail`; the run is recorded as failed, ADR 0023).
   */
  @Post(':name/rebuild')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'rebuildProjection',
    summary: 'Rebuild a projection from Kafka offset zero (blue-green)',
    description:
      'Starts a rebuild into a new version while the live one keeps serving; answered as soon ' +
      'as the run is recorded. Follow it at `Location`.',
  })
  @ApiResponse({
    status: 202,
    description: 'Accepted: the run is `running`.',
    standardSchema: RebuildProjectionReplySchema,
    headers: locationHeader("`/admin/projections/<name>`: the run's progress."),
  })
  @ApiProblem(
    409,
    '`Rebuild already running` for this projection, or `Source history incomplete`: the ' +
      'topic no longer holds the whole history (partitions and offsets in `detail`; the run ' +
      'is recorded as failed).',
  )
  @ApiNoBodyProblems()
  async rebuild(
    @Param('name', { schema: ProjectionNameSchema, pipes: [knownProjection] })
    projection: ProjectionName,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RebuildProjectionReply> {
    const result = await this.services.request(
      CATALOG.routes.rebuildProjection,
      { projection },
      propagatedHeaders(request),
    );
    void reply.header('location', `/admin/projections/${projection}`);
    return result;
  }

  /** Live and kept versions, and the last run: state, events applied, events/s, ETA. */
  @Get(':name')
  @ApiOperation({
    operationId: 'getProjectionStatus',
    summary: 'The live version of a projection and its last rebuild',
  })
  @ApiResponse({ status: 200, description: 'The status.', standardSchema: ProjectionStatusSchema })
  status(
    @Param('name', { schema: ProjectionNameSchema, pipes: [knownProjection] })
    projection: ProjectionName,
    @Req() request: FastifyRequest,
  ): Promise<ProjectionStatus> {
    return this.services.request(
      CATALOG.routes.getProjectionStatus,
      { projection },
      propagatedHeaders(request),
    );
  }
}
