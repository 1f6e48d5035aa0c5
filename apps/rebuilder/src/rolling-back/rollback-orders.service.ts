import { Inject, Injectable, Logger } from '@nestjs/common';
import { ProjectionStore, RebuildRuns } from '@switchyard/read-models';
import { PG_POOL } from '@switchyard/service';
import type { Pool } from 'pg';
import type { ProjectionName } from '@switchyard/contracts';
import { TOPOLOGY } from '../config';
import { RebuildAlreadyRunningError } from '../rebuilding/rebuild-orders.service';

const PROJECTION: ProjectionName = 'orders';

/**
 * ### Rollback: make the previous version live again.
 *
 * The swap kept the previous version (table and checkpoints), so rolling back is the
 * same atomic swap in the other direction: reads move back in one transaction, and the
 * projector, seeing the version change, resumes that version from *its* checkpoints,
 * catching up on whatever arrived since it stopped being live. Rolling back twice rolls
 * forward again. It takes the rebuild lock: never swap under a running rebuild.
 */
@Injectable()
export class RollbackOrdersService {
  private readonly logger = new Logger(RollbackOrdersService.name);
  private readonly store = new ProjectionStore(TOPOLOGY.postgres.schema);
  private readonly runs = new RebuildRuns(TOPOLOGY.postgres.schema);

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async rollback(): Promise<{ active: number; previous: number }> {
    const lock = await this.runs.tryLock(this.pool, PROJECTION);
    if (!lock) throw new RebuildAlreadyRunningError(PROJECTION);
    const client = await this.pool.connect();
    try {
      await this.store.initialize(client);
      const { active, previous } = await this.store.activeVersion(client);
      if (previous === null || !(await this.store.versions(client)).includes(previous)) {
        throw new Error(`${PROJECTION} has no previous version to roll back to (live: v${active})`);
      }
      await this.store.activate(client, previous);
      this.logger.log({ msg: 'rolled back', from: active, to: previous });
      return { active: previous, previous: active };
    } finally {
      client.release();
      await lock.release();
    }
  }
}
