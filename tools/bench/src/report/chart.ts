import type { MeasurementResult } from '../measurement';

/** One bar per ratio: the data of the chart, kept pure so it can be tested. */
export function ratioRows(measurements: MeasurementResult[]) {
  return measurements.flatMap((m) =>
    Object.values(m.ratios)
      .filter((r) => Number.isFinite(r.value) && r.value > 0)
      .map((r) => ({
        ratio: `${m.id}. ${r.label}`,
        value: Number(r.value.toFixed(3)),
        verdict: r.met === undefined ? 'no target' : r.met ? 'target met' : 'target not met',
      })),
  );
}

/**
 * Renders the ratios as an SVG bar chart with Vega-Lite → Vega (headless, no canvas).
 * Vega is ESM with top-level await, so it is loaded with `import()`, not `require()`.
 */
export async function renderRatioChart(measurements: MeasurementResult[]): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const rows = ratioRows(measurements);
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Each ratio as labelled, ours ÷ raw twin (same run; 1 = parity; log scale)',
    width: 520,
    height: { step: 18 },
    data: { values: rows },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: {
            field: 'ratio',
            type: 'nominal',
            sort: null,
            title: null,
            axis: { labelLimit: 760 },
          },
          x: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: 'ratio' },
          color: {
            field: 'verdict',
            type: 'nominal',
            scale: {
              domain: ['target met', 'target not met', 'no target'],
              range: ['#2ca02c', '#d62728', '#9e9e9e'],
            },
          },
          tooltip: [{ field: 'ratio' }, { field: 'value' }],
        },
      },
      { mark: { type: 'rule', color: 'black' }, encoding: { x: { datum: 1 } } },
    ],
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
