import { Controller, HttpStatus, Logger } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  GetProjectionStatusQuerySchema,
  RebuildProjectionCommandSchema,
  type ProjectionName,
  type ProjectionStatus,
  type RebuildProjectionReply,
} from '@switchyard/contracts';
import { parsePayload } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';
import {
  RebuildAlreadyRunningError,
  RebuildOrdersService,
} from '../rebuilding/rebuild-orders.service';
import { IncompleteHistoryError } from '../rebuilding/source-history';
import { ProjectionStatusService } from '../reporting/projection-status.service';

interface Rebuilder {
  start: RebuildOrdersService['start'];
}

/**
 * The rebuild control plane over NATS request-reply (queue group `rebuilder`): any
 * instance may take a request; the Postgres lock and run log make them interchangeable.
 */
@Controller()
export class ProjectionsController {
  private readonly logger = new Logger(ProjectionsController.name);
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
  @MessagePattern(TOPOLOGY.nats.subjects.rebuildProjection, {
    queue: TOPOLOGY.nats.queues.rebuilder,
  })
  async rebuild(@Payload() payload: unknown): Promise<RebuildProjectionReply> {
    const { projection } = parsePayload(
      RebuildProjectionCommandSchema,
      payload,
      'Invalid RebuildProjection command',
    );
    try {
      const run = await this.rebuilders[projection].start({ timeoutMs: config.REBUILD_TIMEOUT_MS });
      // The outcome is in the run log (and logged by the service); nobody awaits it here.
      run.done.catch(() => undefined);
      return { runId: run.runId, state: 'running' };
    } catch (error) {
      if (error instanceof RebuildAlreadyRunningError) {
        throw new RpcException({
          status: HttpStatus.CONFLICT,
          title: 'Rebuild already running',
          detail: `${error.message}; follow it with GET /admin/projections/${projection}.`,
        });
      }
      if (error instanceof IncompleteHistoryError) {
        // 409: the request is fine, the state of the log forbids it (an operator decides).
        throw new RpcException({
          status: HttpStatus.CONFLICT,
          title: 'Source history incomplete',
          detail: error.message,
        });
      }
      this.logger.error({ msg: 'rebuild did not start', err: String(error) });
      throw error;
    }
  }

  @MessagePattern(TOPOLOGY.nats.subjects.getProjectionStatus, {
    queue: TOPOLOGY.nats.queues.rebuilder,
  })
  async status(@Payload() payload: unknown): Promise<ProjectionStatus> {
    const { projection } = parsePayload(
      GetProjectionStatusQuerySchema,
      payload,
      'Invalid GetProjectionStatus query',
    );
    return this.statuses.status(projection);
  }
}
