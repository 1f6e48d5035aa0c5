import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { pruneOrderJournal } from '@switchyard/read-models';
import { PG_POOL } from '@switchyard/service';
import type { Pool } from 'pg';
import { config, TOPOLOGY } from '../config';

/** How often the journal is pruned: often enough that each run deletes few rows. */
const PRUNE_EVERY_MS = 10 * 60_000;
const UNDEFINED_TABLE = '42P01';

/**
 * ### Keeps the order journal to `ORDER_JOURNAL_RETENTION_HOURS` of events.
 *
 * The journal (ADR 0046) is what the dashboard's journey shows of recent orders; it gains a
 * row per event, so without this it grows for as long as the system runs. History is not
 * at stake: every event stays on Kafka and in the read model. A failed prune (Postgres
 * down) is logged and tried again at the next tick: the projection never waits on it.
 */
@Injectable()
export class OrderJournalPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderJournalPruner.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  onApplicationBootstrap(): void {
    const hours = config.ORDER_JOURNAL_RETENTION_HOURS;
    if (hours === 0) {
      this.logger.log({ msg: 'order journal kept for ever (ORDER_JOURNAL_RETENTION_HOURS=0)' });
      return;
    }
    const tick = () => {
      this.running ??= this.prune(hours * 3600).finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  /** Stops the timer and lets a prune in progress finish before the pool closes. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async prune(olderThanSeconds: number): Promise<void> {
    try {
      const deleted = await pruneOrderJournal(
        this.pool,
        TOPOLOGY.postgres.schema,
        olderThanSeconds,
      );
      if (deleted > 0) {
        this.logger.log({ msg: 'order journal pruned', deleted, olderThanSeconds });
      }
    } catch (error) {
      // A first start: the projection creates the table in its own bootstrap, maybe later.
      if ((error as { code?: string }).code === UNDEFINED_TABLE) return;
      this.logger.warn({
        msg: 'order journal prune failed; tried again at the next tick',
        everyMs: PRUNE_EVERY_MS,
        error: String(error),
      });
    }
  }
}
