import { blue, green, magenta, plot, reset } from 'asciichart';
import { CURVE_PERCENTILES, type TransportResult } from './run-transport';

const COLORS = { core: green, jetstream: blue, kafka: magenta } as const;
/** Columns per percentile: asciichart draws one column per point. */
const WIDTH = 3;

/**
 * The latency of each transport by percentile, as a terminal line chart (asciichart). The
 * y axis is logarithmic: a core NATS hop and a Kafka round trip differ by one or two orders
 * of magnitude, and a linear axis would flatten the faster line onto zero.
 */
export function latencyChart(results: readonly TransportResult[], color = true): string {
  const drawn = results.filter((result) => result.curve.every((ms) => ms > 0));
  if (drawn.length === 0) return '(no deliveries to chart)';
  const series = drawn.map((result) =>
    result.curve.flatMap((ms) => Array<number>(WIDTH).fill(Math.log10(ms))),
  );
  const chart = plot(series, {
    height: 12,
    colors: color ? drawn.map((result) => COLORS[result.transport]) : undefined,
    format: (log: number) => `${(10 ** log).toPrecision(3)} ms`.padStart(10),
  });
  const ticks = [50, 90, 99, 99.9].map(
    (percentile) => `p${percentile} at column ${CURVE_PERCENTILES.indexOf(percentile) * WIDTH + 1}`,
  );
  const axis = `${' '.repeat(12)}x: percentile, p${CURVE_PERCENTILES[0]} → max (${ticks.join(', ')})`;
  const legend = drawn
    .map(
      (result) =>
        `${color ? COLORS[result.transport] : ''}── ${result.transport}${color ? reset : ''}`,
    )
    .join('   ');
  return `${chart}\n${axis}\n${' '.repeat(12)}${legend}`;
}
