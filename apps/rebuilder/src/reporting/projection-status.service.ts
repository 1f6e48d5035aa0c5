import { Inject, Injectable } from '@nestjs/common';
import type { ProjectionName, ProjectionStatus } from '@switchyard/contracts';
import { ProjectionStore, readProjectionStatus, RebuildRuns } from '@switchyard/read-models';
import { PG_POOL } from '@switchyard/service';
import type { Pool } from 'pg';
import { TOPOLOGY } from '../config';

/**
 * The live and kept versions, and the last rebuild run, all read from Postgres in one
 * snapshot: every instance answers the same, CLI runs included, and the answer survives
 * restarts.
 */
@Injectable()
export class ProjectionStatusService {
  private readonly store = new ProjectionStore(TOPOLOGY.postgres.schema);
  private readonly runs = new RebuildRuns(TOPOLOGY.postgres.schema);

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** One snapshot: the swap changes the live version and the run together (`readProjectionStatus`). */
  status(projection: ProjectionName): Promise<ProjectionStatus> {
    return readProjectionStatus(this.pool, this.store, this.runs, projection);
  }
}
