import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';

/** One reading: a device numbers its readings of each metric 1, 2, 3… */
export interface Reading {
  seq: number;
  value: number;
}

/**
 * ### An aggregator on a wildcard, counting what it never got.
 *
 * Telemetry is at-most-once by design: nobody stores a reading, nobody acks it, and a
 * reading missed is replaced by the next one. What an aggregator can and should do is
 * KNOW what it missed: every device numbers its readings per metric, so a jump from 7 to
 * 12 is 4 readings lost. That count is the aggregator's published health figure.
 */
export class TelemetryAggregator {
  received = 0;
  /** Readings missed: the sum of every jump in a device's sequence numbers. */
  lost = 0;
  private readonly last = new Map<string, number>();
  private sum = 0;
  private nc: NatsConnection | undefined;

  constructor(
    private readonly context: ScenarioContext,
    /** The wildcard it listens on. */
    readonly subject: string,
    readonly label: string,
  ) {}

  /** Connects and subscribes; from the flush on, the server delivers to it. */
  async connect(): Promise<void> {
    const nc = await connectNats({ settings: this.context.env, name: `lesson-${this.label}` });
    nc.subscribe(this.subject, {
      callback: (error, message) => {
        if (error) return;
        // `<…>.telemetry.<site>.<device>.<metric>`: the last three tokens name the series.
        const series = message.subject.split('.').slice(-3).join('.');
        this.take(series, message.json<Reading>());
      },
    });
    await nc.flush();
    this.nc = nc;
  }

  /** Gone (a crash, a deploy): the server drops what it would have sent, at once. */
  async disconnect(): Promise<void> {
    await this.nc?.close();
    this.nc = undefined;
  }

  /** The last sequence number seen of one series (site.device.metric). */
  lastSeq(series: string): number {
    return this.last.get(series) ?? 0;
  }

  get mean(): number {
    return this.received === 0 ? 0 : this.sum / this.received;
  }

  private take(series: string, reading: Reading): void {
    const previous = this.last.get(series) ?? 0;
    if (reading.seq > previous + 1) this.lost += reading.seq - previous - 1;
    if (reading.seq > previous) this.last.set(series, reading.seq);
    this.received += 1;
    this.sum += reading.value;
  }
}
