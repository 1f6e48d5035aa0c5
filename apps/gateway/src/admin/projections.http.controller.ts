import { Controller, Get, HttpCode, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import {
  PROJECTIONS,
  type ProjectionName,
  type ProjectionStatus,
  type RebuildProjectionReply,
} from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CATALOG } from '../config';
import { propagatedHeaders } from '../http/correlation';
import { ServiceClient } from '../nats/service-client';
import { KnownNamePipe } from './known-name.pipe';

/** `:name`: a projection the contracts know; anything else is a 404. */
const knownProjection = new KnownNamePipe<ProjectionName>('projection', PROJECTIONS);

/**
 * Operator endpoints for the read models, answered by the rebuilder over NATS. Like
 * every route here they carry no authentication: expose `/admin` only to operators
 * (network policy or an authenticating proxy in front of the gateway).
 */
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
  async rebuild(
    @Param('name', knownProjection) projection: ProjectionName,
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
  status(
    @Param('name', knownProjection) projection: ProjectionName,
    @Req() request: FastifyRequest,
  ): Promise<ProjectionStatus> {
    return this.services.request(
      CATALOG.routes.getProjectionStatus,
      { projection },
      propagatedHeaders(request),
    );
  }
}
