import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX } from './metrics-registry';

/**
 * ### The bridge: how long an event takes from JetStream to Kafka.
 *
 * Measured from the JetStream publish time (the server's timestamp on the stored
 * message) to the Kafka acknowledgement (`acks=all`) of the batch that carried it. It
 * includes the time the event waited in the stream, so a paused or lagging bridge shows
 * up here as well as in `switchyard_jetstream_consumer_pending_messages`.
 */
@Injectable()
export class BridgeMetrics {
  private readonly latency: Histogram<'route'>;
  private readonly lease: Gauge<'route'>;

  constructor(registry: Registry) {
    // One active forwarder per route (ADR 0025): exactly one instance shows 1 per route;
    // the others stand by with 0, ready and healthy.
    this.lease = new Gauge({
      name: `${METRIC_PREFIX}bridge_lease_active`,
      help: "1 while this instance holds the route's lease and forwards it, 0 while it stands by.",
      labelNames: ['route'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: `${METRIC_PREFIX}bridge_forward_latency_seconds`,
      help: 'Time from the JetStream publish of an event to the Kafka ack of its forwarded record.',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }

  leaseActive(route: string, active: boolean): void {
    this.lease.set({ route }, active ? 1 : 0);
  }

  /** `publishedAtMs`: the JetStream timestamps of the events Kafka just acked. */
  forwarded(route: string, publishedAtMs: number[], ackedAtMs = Date.now()): void {
    const histogram = this.latency.labels({ route });
    // Clocks: both are wall clocks (server and this host); a negative skew is clamped.
    for (const publishedAt of publishedAtMs) {
      histogram.observe(Math.max(0, ackedAtMs - publishedAt) / 1_000);
    }
  }
}

/**
 * ### A read model's position in the log, and what it holds back.
 *
 * Position: the next offset it will apply, per partition. Held ("parked") events: events
 * that cannot be applied yet (a follow-up before its `OrderPlaced`, or after a version
 * gap) wait in the version's parked table until their predecessor arrives (ADR 0024). A
 * gauge that stays above 0 is an order whose history is incomplete on the topic.
 */
@Injectable()
export class ProjectionMetrics {
  private readonly offsets: Gauge<'projection' | 'topic' | 'partition'>;
  private readonly parkedNow: Gauge<'projection' | 'topic' | 'partition'>;
  private readonly parkedTotal: Counter<'projection' | 'reason'>;
  private readonly releasedTotal: Counter<'projection'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.offsets = new Gauge({
      name: `${METRIC_PREFIX}projection_position_offset`,
      help: 'The next Kafka offset a projection applies on a partition (stored with its rows; committed after them).',
      labelNames: ['projection', 'topic', 'partition'],
      registers,
    });
    this.parkedNow = new Gauge({
      name: `${METRIC_PREFIX}projection_parked_events`,
      help: 'Events a projection holds on a partition until their predecessor arrives (after its last batch there).',
      labelNames: ['projection', 'topic', 'partition'],
      registers,
    });
    this.parkedTotal = new Counter({
      name: `${METRIC_PREFIX}projection_events_parked_total`,
      help: 'Events a projection held back: no-row (a follow-up before its first event) or version-gap.',
      labelNames: ['projection', 'reason'],
      registers,
    });
    this.releasedTotal = new Counter({
      name: `${METRIC_PREFIX}projection_events_released_total`,
      help: 'Held events a projection applied once their predecessor arrived.',
      labelNames: ['projection'],
      registers,
    });
  }

  position(projection: string, topic: string, partition: number, nextOffset: bigint): void {
    this.offsets.set({ projection, topic, partition: String(partition) }, Number(nextOffset));
  }

  /** Declares the parking series of a projection (at 0 before anything is held). */
  trackParking(projection: string, reasons: readonly string[]): void {
    for (const reason of reasons) this.parkedTotal.inc({ projection, reason }, 0);
    this.releasedTotal.inc({ projection }, 0);
  }

  /** After a batch: what it held (by reason), what it released, what the partition holds now. */
  parking(
    projection: string,
    topic: string,
    partition: number,
    batch: { parked: { reason: string }[]; released: number; parkedInPartition: number },
  ): void {
    for (const { reason } of batch.parked) this.parkedTotal.inc({ projection, reason });
    if (batch.released > 0) this.releasedTotal.inc({ projection }, batch.released);
    this.parkedNow.set(
      { projection, topic, partition: String(partition) },
      batch.parkedInPartition,
    );
  }
}

export interface RebuildSample {
  state: 'running' | 'swapped' | 'failed';
  eventsApplied: number;
  eventsTotal: number;
}

/**
 * ### Rebuild progress: the same samples the rebuilder publishes on NATS, as gauges.
 *
 * Labelled by projection only, not by run id: a run id per rebuild would add series
 * forever. The run id is in the logs, the `rebuild_runs` table and the NATS samples.
 */
@Injectable()
export class RebuildMetrics {
  private readonly running: Gauge<'projection'>;
  private readonly applied: Gauge<'projection'>;
  private readonly target: Gauge<'projection'>;
  private readonly runs: Counter<'projection' | 'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.running = new Gauge({
      name: `${METRIC_PREFIX}rebuild_running`,
      help: '1 while this instance rebuilds the projection, else 0.',
      labelNames: ['projection'],
      registers,
    });
    this.applied = new Gauge({
      name: `${METRIC_PREFIX}rebuild_applied_events`,
      help: 'Events the current (or last) rebuild of the projection applied so far.',
      labelNames: ['projection'],
      registers,
    });
    this.target = new Gauge({
      name: `${METRIC_PREFIX}rebuild_target_events`,
      help: 'Events the current (or last) rebuild replays: the end offsets when it started, summed.',
      labelNames: ['projection'],
      registers,
    });
    this.runs = new Counter({
      name: `${METRIC_PREFIX}rebuild_runs_total`,
      help: 'Finished rebuilds by outcome: swapped (the new version is live) or failed (live untouched).',
      labelNames: ['projection', 'outcome'],
      registers,
    });
  }

  /** Declares a projection (series at 0 before its first rebuild). */
  track(projection: string): void {
    this.running.set({ projection }, 0);
    this.applied.set({ projection }, 0);
    this.target.set({ projection }, 0);
    for (const outcome of ['swapped', 'failed']) this.runs.inc({ projection, outcome }, 0);
  }

  sample(projection: string, sample: RebuildSample): void {
    this.running.set({ projection }, sample.state === 'running' ? 1 : 0);
    this.applied.set({ projection }, sample.eventsApplied);
    this.target.set({ projection }, sample.eventsTotal);
    if (sample.state !== 'running') this.runs.inc({ projection, outcome: sample.state });
  }
}
