import { Controller, UseFilters } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  ProjectionName,
  ProjectionStatus,
  RebuildProjectionReply,
} from '@switchyard/contracts';
import { parseRequest, Serves } from '@switchyard/service';
import { CATALOG, config } from '../config';
import { RebuildOrdersService } from '../rebuilding/rebuild-orders.service';
import { ProjectionStatusService } from '../reporting/projection-status.service';
import { REBUILDER_RPC_ERRORS } from './rpc-errors';

interface Rebuilder {
  start: RebuildOrdersService['start'];
}

/**
 * The rebuild control plane over NATS request-reply (queue group `rebuilder`): any
 * instance may take a request; the Postgres lock and run log make them interchangeable.
 */
@Controller()
@UseFilters(REBUILDER_RPC_ERRORS)
export class ProjectionsController {
  /** Keyed by the contracts' projection names: a new projection fails to compile here. */
  private readonly rebuilders: Record<ProjectionName, Rebuilder>;

  constructor(
    orders: RebuildOrdersService,
    private readonly statuses: ProjectionStatusService,
  ) {
    this.rebuilders = { orders };
  }

  /**
   * Replies as soon as the run is recorded and its source checked (`running`); the replay
   * goes on in the background. A topic that lost part of its history is refused here, with
   * the reason (the run is recorded as failed too); the API never overrides that check.
   */
  @Serves(CATALOG.routes.rebuildProjection)
  async rebuild(@Payload() payload: unknown): Promise<RebuildProjectionReply> {
    const { projection } = parseRequest(CATALOG.routes.rebuildProjection, payload);
    const run = await this.rebuilders[projection].start({ timeoutMs: config.REBUILD_TIMEOUT_MS });
    // The outcome is in the run log (and logged by the service); nobody awaits it here.
    run.done.catch(() => undefined);
    return { runId: run.runId, state: 'running' };
  }

  @Serves(CATALOG.routes.getProjectionStatus)
  status(@Payload() payload: unknown): Promise<ProjectionStatus> {
    const { projection } = parseRequest(CATALOG.routes.getProjectionStatus, payload);
    return this.statuses.status(projection);
  }
}
