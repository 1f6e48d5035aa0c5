import { Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  addressOf,
  PROJECTIONS,
  publishedChannel,
  type ProjectionName,
  type RebuildProgress,
} from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import { PublishMetrics, RebuildMetrics } from '@switchyard/service';
import { CATALOG, config } from '../config';

/** The catalog's channel for it: the rebuilder is its producer. */
const PROGRESS = publishedChannel(CATALOG, 'rebuilder', 'rebuildProgress');

/**
 * ### Live progress on core NATS: at-most-once, on purpose.
 *
 * Progress is a live view (a dashboard, `nats sub 'projections.*.rebuild.progress'`), not a
 * record: a sample nobody was subscribed for, or one lost in a reconnect, is replaced by
 * the next one a second later. The durable record is the `rebuild_runs` row. So the
 * publish is fire-and-forget, and a rebuild never waits for, or fails because of, NATS:
 * if NATS is unreachable at start-up, the rebuilder logs it and rebuilds without it.
 */
@Injectable()
export class ProgressPublisher implements OnApplicationShutdown {
  private readonly logger = new Logger(ProgressPublisher.name);
  private connection: Promise<NatsConnection | undefined> | undefined;

  /** `serve` has metrics (`/metrics`); the CLI does not. */
  constructor(
    @Optional() private readonly metrics?: RebuildMetrics,
    @Optional() private readonly published?: PublishMetrics,
  ) {
    for (const projection of PROJECTIONS) metrics?.track(projection);
  }

  publish(projection: ProjectionName, progress: Omit<RebuildProgress, 'projection'>): void {
    this.metrics?.sample(projection, progress);
    void this.connect().then((nc) => {
      if (!nc || nc.isClosed()) return;
      try {
        const subject = addressOf(PROGRESS, { projection });
        nc.publish(subject, JSON.stringify({ projection, ...progress }));
        this.published?.published('core', subject);
      } catch (error) {
        this.logger.warn({ msg: 'progress not published', err: String(error) });
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const nc = await this.connection;
    // Drain: the final sample (swapped / failed) still reaches the server.
    if (nc && !nc.isClosed()) await nc.drain();
  }

  private connect(): Promise<NatsConnection | undefined> {
    this.connection ??= connectNats({ settings: config, name: 'rebuilder-progress' }).catch(
      (error: unknown) => {
        this.logger.warn({
          msg: 'NATS unreachable: rebuilding without live progress on NATS',
          err: String(error),
        });
        return undefined;
      },
    );
    return this.connection;
  }
}
