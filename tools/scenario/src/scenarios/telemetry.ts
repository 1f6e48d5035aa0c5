import { setTimeout as sleep } from 'node:timers/promises';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  TelemetryLossReportSchema,
  type TelemetryLossReport,
  type TelemetryReading,
} from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import type { ScenarioContext } from '../context';
import { lessonRun } from '../lessons/lesson-run';
import { TelemetryAggregator } from '../lessons/telemetry-aggregator';
import { until } from '../poll';
import type { Scenario, ScenarioOptions } from '../scenario';

export interface TelemetryOptions extends ScenarioOptions {
  sites: number;
  /** Devices per site; each is a publisher with a connection of its own. */
  devices: number;
  /** Rounds of readings: in each, every device sends one reading of every metric. */
  rounds: number;
  /** Milliseconds between two rounds. */
  intervalMs: number;
}

export interface AggregatorReport {
  subject: string;
  /** Readings published on subjects its wildcard matches. */
  matching: number;
  received: number;
  /**
   * Counted by the aggregator itself, from gaps in the devices' sequence numbers, and
   * published on `telemetry-loss.<aggregator>`: this is the figure as received there.
   */
  lostByGaps: number;
}

export interface TelemetryOutcome {
  publishers: number;
  published: number;
  /** `telemetry.*.*.temperature`: every site's temperatures; stays connected. */
  temperature: AggregatorReport;
  /** `telemetry.<site>.>`: everything of one site; away for the middle third of the run. */
  site: AggregatorReport & { roundsAway: number };
}

const METRICS = ['temperature', 'humidity'] as const;

/** A plausible reading: each site a little warmer than the last, with some noise. */
function valueOf(metric: (typeof METRICS)[number], site: number): number {
  const base = metric === 'temperature' ? 19 + site : 40 + 5 * site;
  return Math.round((base + Math.random() * 2 - 1) * 10) / 10;
}

/**
 * ### telemetry: a fan-out lane, at-most-once by design.
 *
 * Devices at several sites publish readings on `telemetry.<site>.<device>.<metric>`. Two
 * aggregators cut the hierarchy with wildcards, without any broker configuration: one
 * takes every site's temperature (`*` = one token), one takes everything of one site
 * (`>` = the rest). Midway, the site aggregator goes away and comes back: the readings
 * published meanwhile are gone (nobody stored them), and it counts exactly how many from
 * the gaps in the devices' sequence numbers. The other aggregator lost nothing.
 */
export const telemetry: Scenario<TelemetryOutcome, TelemetryOptions> = {
  name: 'telemetry',
  standalone: true,
  claim: 'IoT fan-out: many publishers, wildcard aggregators, at-most-once by design',
  summary:
    'devices publish on telemetry.<site>.<device>.<metric>; wildcard aggregators count their loss',
  flags: [
    { flags: '--sites <n>', description: 'sites', defaultValue: 3 },
    { flags: '--devices <n>', description: 'devices (publishers) per site', defaultValue: 10 },
    { flags: '--rounds <n>', description: 'readings per device and metric', defaultValue: 30 },
    { flags: '--interval-ms <n>', description: 'ms between two rounds', defaultValue: 20 },
  ],
  async run(context: ScenarioContext, { sites, devices, rounds, intervalMs }) {
    const { narrator } = context;
    const { subjects } = lessonRun().topology.nats;
    const siteNames = Array.from({ length: sites }, (_, index) => `site${index + 1}`);
    const watched = siteNames[0]!;
    const temperature = new TelemetryAggregator(
      context,
      subjects.telemetryMetric('temperature'),
      'temperature-aggregator',
      subjects.telemetryLoss('temperature-aggregator'),
    );
    const site = new TelemetryAggregator(
      context,
      subjects.telemetrySite(watched),
      'site-aggregator',
      subjects.telemetryLoss('site-aggregator'),
    );
    const publishers: { nc: NatsConnection; site: number; device: string }[] = [];
    const awayFrom = Math.floor(rounds / 3);
    const backAt = Math.floor((2 * rounds) / 3);
    try {
      narrator.step(
        `Aggregators: ${temperature.subject} (every site's temperature) and ${site.subject} (everything of ${watched})`,
      );
      await Promise.all([temperature.connect(), site.connect()]);
      // A dashboard's view of the lane's health: every aggregator's published loss count.
      const reports = new Map<string, TelemetryLossReport>();
      const dashboard = context.nc.subscribe(subjects.allTelemetryLoss, {
        callback: (error, message) => {
          if (error) return;
          try {
            const report = TelemetryLossReportSchema.safeParse(message.json());
            if (report.success) reports.set(report.data.aggregator, report.data);
          } catch {
            // not JSON: not a report this dashboard understands
          }
        },
      });
      await context.nc.flush();
      narrator.step(
        `Connecting ${sites * devices} devices (${devices} per site), one connection each`,
      );
      for (const [index] of siteNames.entries())
        for (let device = 1; device <= devices; device += 1)
          publishers.push({
            nc: await connectNats({ settings: context.env, name: 'lesson-device' }),
            site: index,
            device: `d${String(device).padStart(2, '0')}`,
          });

      narrator.step(
        `${rounds} rounds of ${METRICS.join(' + ')}; ${site.label} away from round ${awayFrom + 1} to ${backAt}`,
      );
      for (let round = 1; round <= rounds; round += 1) {
        if (round === awayFrom + 1) await site.disconnect();
        if (round === backAt + 1) await site.connect();
        for (const publisher of publishers)
          for (const metric of METRICS) {
            const reading: TelemetryReading = {
              seq: round,
              value: valueOf(metric, publisher.site),
            };
            publisher.nc.publish(
              subjects.telemetry(siteNames[publisher.site]!, publisher.device, metric),
              JSON.stringify(reading),
            );
          }
        // The server has every reading of this round before the next round (or the
        // aggregator's leaving) begins: who missed what is then exact, not a race.
        await Promise.all(publishers.map((publisher) => publisher.nc.flush()));
        await sleep(intervalMs);
      }

      const published = rounds * publishers.length * METRICS.length;
      const temperatureMatching = rounds * publishers.length;
      const siteMatching = rounds * devices * METRICS.length;
      // Delivery to the aggregators is asynchronous: wait for the last round to arrive.
      await until(
        'the last round at both aggregators',
        () =>
          temperature.received >= temperatureMatching &&
          publishers
            .filter((publisher) => publisher.site === 0)
            .every((publisher) =>
              METRICS.every(
                (metric) => site.lastSeq(`${watched}.${publisher.device}.${metric}`) === rounds,
              ),
            ),
        30_000,
      );
      await Promise.all([temperature.publishLoss(), site.publishLoss()]);
      const [temperatureReport, siteReport] = await until('both loss reports', () => {
        const both = [reports.get(temperature.label), reports.get(site.label)];
        return both.every(Boolean) && (both as TelemetryLossReport[]);
      });
      dashboard.unsubscribe();
      const outcome: TelemetryOutcome = {
        publishers: publishers.length,
        published,
        temperature: {
          subject: temperature.subject,
          matching: temperatureMatching,
          received: temperatureReport!.received,
          lostByGaps: temperatureReport!.lost,
        },
        site: {
          subject: site.subject,
          matching: siteMatching,
          received: siteReport!.received,
          lostByGaps: siteReport!.lost,
          roundsAway: backAt - awayFrom,
        },
      };
      narrator.saw(`${publishers.length} devices published ${published} readings`);
      narrator.saw(
        `${temperature.subject}: received ${temperature.received}/${temperatureMatching}, lost ${temperature.lost} ` +
          `(mean ${temperature.mean.toFixed(1)} °C)`,
      );
      narrator.saw(
        `${site.subject}: received ${site.received}/${siteMatching}, lost ${site.lost} by its own count ` +
          `(away ${outcome.site.roundsAway} rounds × ${devices} devices × ${METRICS.length} metrics)`,
      );
      narrator.saw(
        `published on ${subjects.allTelemetryLoss}: ` +
          [temperatureReport!, siteReport!]
            .map((report) => `${report.aggregator} lost ${report.lost}`)
            .join(', '),
      );
      narrator.conclude(
        `Wildcards cut one subject hierarchy many ways with no broker configuration: a new ` +
          `aggregator is a new subscription. Telemetry is at-most-once by design: the ` +
          `${site.lost} readings sent while the site aggregator was away are gone, and the ` +
          `aggregator knows exactly how many from the sequence numbers. The next reading ` +
          `replaces a lost one, so this is the right trade: no storage, no acks, no replay. ` +
          `On Kafka the same lane is a topic with partitions (keyed by device) that keeps ` +
          `every reading and a group that must rebalance as aggregators come and go; a new ` +
          `cut of the data (one site) is a consumer that reads and filters everything.`,
      );
      return outcome;
    } finally {
      await Promise.allSettled([
        temperature.disconnect(),
        site.disconnect(),
        ...publishers.map((publisher) => publisher.nc.close()),
      ]);
    }
  },
};
