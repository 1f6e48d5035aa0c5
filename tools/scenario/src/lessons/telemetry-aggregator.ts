import type { NatsConnection } from '@nats-io/transport-node';
import {
  TelemetryReadingSchema,
  type TelemetryLossReport,
  type TelemetryReading,
} from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';

/**
 * ### An aggregator on a wildcard, counting what it never got.
 *
 * Telemetry is at-most-once by design: nobody stores a reading, nobody acks it, and a
 * reading missed is replaced by the next one. What an aggregator can and should do is
 * KNOW what it missed: every device numbers its readings per metric, so a jump from 7 to
 * 12 is 4 readings lost. It publishes that count (`telemetry-loss.<aggregator>`) as its
 * health figure, for a dashboard or an alert.
 */
export class TelemetryAggregator {
  received = 0;
  /** Readings missed: the sum of every jump in a device's sequence numbers. */
  lost = 0;
  /** Messages on its subjects that were not a valid reading: counted, never averaged in. */
  invalid = 0;
  private readonly last = new Map<string, number>();
  private sum = 0;
  private nc: NatsConnection | undefined;

  constructor(
    private readonly context: ScenarioContext,
    /** The wildcard it listens on. */
    readonly subject: string,
    readonly label: string,
    /** Where it publishes its `TelemetryLossReport`. */
    private readonly lossSubject: string,
  ) {}

  /** Connects and subscribes; from the flush on, the server delivers to it. */
  async connect(): Promise<void> {
    const nc = await connectNats({ settings: this.context.env, name: `lesson-${this.label}` });
    nc.subscribe(this.subject, {
      callback: (error, message) => {
        if (error) return;
        // `<…>.telemetry.<site>.<device>.<metric>`: the last three tokens name the series.
        const series = message.subject.split('.').slice(-3).join('.');
        let body: unknown;
        try {
          body = message.json();
        } catch {
          body = undefined;
        }
        const reading = TelemetryReadingSchema.safeParse(body);
        if (reading.success) this.take(series, reading.data);
        else this.invalid += 1;
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

  /** Publishes its loss report (core NATS: a figure, superseded by the next one). */
  async publishLoss(): Promise<TelemetryLossReport> {
    const report: TelemetryLossReport = {
      aggregator: this.label,
      subject: this.subject,
      received: this.received,
      lost: this.lost,
      invalid: this.invalid,
    };
    if (!this.nc) throw new Error(`${this.label} is not connected: it cannot report`);
    this.nc.publish(this.lossSubject, JSON.stringify(report));
    await this.nc.flush();
    return report;
  }

  /** The last sequence number seen of one series (site.device.metric). */
  lastSeq(series: string): number {
    return this.last.get(series) ?? 0;
  }

  get mean(): number {
    return this.received === 0 ? 0 : this.sum / this.received;
  }

  private take(series: string, reading: TelemetryReading): void {
    const previous = this.last.get(series) ?? 0;
    if (reading.seq > previous + 1) this.lost += reading.seq - previous - 1;
    if (reading.seq > previous) this.last.set(series, reading.seq);
    this.received += 1;
    this.sum += reading.value;
  }
}
