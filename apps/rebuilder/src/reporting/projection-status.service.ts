import { Inject, Injectable } from '@nestjs/common';
import type { ProjectionName, ProjectionStatus } from '@switchyard/contracts';
import { ProjectionStore, RebuildRuns } from '@switchyard/read-models';
import { PG_POOL } from '@switchyard/service';
import type { Pool } from 'pg';
import { TOPOLOGY } from '../config';

/**
 * The live and kept versions, and the last rebuild run, all read from Postgres: every
 * instance answers the same, CLI runs included, and the answer survives restarts.
 */
@Injectable()
export class ProjectionStatusService {
  private readonly store = new ProjectionStore(TOPOLOGY.postgres.schema);
  private readonly runs = new RebuildRuns(TOPOLOGY.postgres.schema);

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async status(projection: ProjectionName): Promise<ProjectionStatus> {
    const client = await this.pool.connect();
    try {
      const { active, previous } = await this.store.activeVersion(client);
      return {
        projection,
        activeVersion: active,
        previousVersion: previous,
        parkedEvents: await this.store.parkedCount(client, active),
        lastRun: await this.runs.latest(this.pool, projection),
      };
    } finally {
      client.release();
    }
  }
}
