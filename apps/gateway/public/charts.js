// Switchyard's charts over time: plain browser JavaScript, no build step (ADR 0013).
// uPlot (ADR 0044) draws; the figures are the samples of GET /api/overview that
// dashboard.js already polls, plus the rebuild's progress, handed over as DOM events.
'use strict';

(() => {
  /** How much history a chart keeps: the last few minutes, enough to see a rise and a drain. */
  const WINDOW_SECONDS = 300;
  const COLORS = ['#0b5cad', '#c2410c', '#1d6b2f', '#7c3aed', '#a11d1d', '#0e7490', '#8a4b00'];

  /**
   * Two samples make a rate: the gateway counts notifications since it started, so a rate
   * is the difference over the time between the samples. A counter that went down means
   * the gateway restarted: no rate for that step rather than a negative one.
   */
  function rate(now, before, read) {
    if (!before) return null;
    const seconds = now.t - before.t;
    const delta = read(now.overview) - read(before.overview);
    return seconds > 0 && delta >= 0 ? delta / seconds : null;
  }

  const fromPanel = (panel, read) => (panel.ok ? read(panel.value) : []);

  /** The last rebuild run the page heard of (SSE progress or the polled status). */
  let rebuildRun = null;
  /** That run's applied count at the previous sample: `{ startedAt, applied }`. */
  let rebuildCounted = null;
  /** When the page's first sample was taken: a run that ended before is history, not activity. */
  let firstSampleAt = null;

  /**
   * Events the rebuild applied per second between two samples, from its applied count (a
   * counter again). A run too quick to be seen "running" by a sample (a small history
   * replays in well under the 2 s between samples) still shows as the events it applied in
   * that interval.
   */
  function rebuildRate(sample, before) {
    const run = rebuildRun;
    const counted = rebuildCounted;
    rebuildCounted = run ? { startedAt: run.startedAt, applied: run.eventsApplied } : null;
    if (!before) return null;
    if (!run) return 0;
    const sameRun = counted?.startedAt === run.startedAt;
    if (!sameRun && run.finishedAt && Date.parse(run.finishedAt) / 1000 <= firstSampleAt) return 0;
    const applied = run.eventsApplied - (sameRun ? counted.applied : 0);
    return Math.max(0, applied) / (sample.t - before.t);
  }

  /**
   * Each chart: its element, its unit, and the series one sample yields as
   * `[name, value]` pairs (`null`: no figure this time, drawn as a gap).
   */
  const CHARTS = [
    {
      id: 'chart-latency',
      unit: 'ms',
      series: ({ overview }) => [
        ['p50', overview.requestReply.p50Ms],
        ['p99', overview.requestReply.p99Ms],
      ],
    },
    {
      id: 'chart-orders',
      unit: '/s',
      series: (sample, before) => [
        ['placed', rate(sample, before, (o) => o.liveFeed.notifications.placed)],
        ['confirmed', rate(sample, before, (o) => o.liveFeed.notifications.confirmed)],
      ],
    },
    {
      id: 'chart-pending',
      unit: '',
      // A consumer that does not exist yet has no pending count: a gap, not a zero.
      series: ({ overview }) =>
        fromPanel(overview.jetStreamConsumers, (consumers) =>
          consumers.map((consumer) => [consumer.name, consumer.state?.numPending ?? null]),
        ),
    },
    {
      id: 'chart-lag',
      unit: '',
      series: ({ overview }) =>
        fromPanel(overview.kafkaLag, (groups) =>
          groups.flatMap((group) =>
            group.partitions.map((partition) => [
              `partition ${partition.partition}`,
              partition.lag,
            ]),
          ),
        ),
    },
    {
      id: 'chart-dead-letters',
      unit: '',
      series: ({ overview }) => [
        [
          'JetStream',
          overview.deadLetters.jetStream.ok ? overview.deadLetters.jetStream.value.total : null,
        ],
        ['Kafka', overview.deadLetters.kafka.ok ? overview.deadLetters.kafka.value.count : null],
      ],
    },
    {
      id: 'chart-rebuild',
      unit: '/s',
      // Between runs the rate is zero: nothing is being replayed.
      series: (sample, before) => [['events applied', rebuildRate(sample, before)]],
    },
  ];

  // ### One chart: its history, its uPlot, and a legend that says the figures in words

  class Chart {
    constructor(spec) {
      this.spec = spec;
      this.figure = document.getElementById(spec.id);
      this.canvas = this.figure.querySelector('.plot');
      this.legend = this.figure.querySelector('.chart-legend');
      this.times = [];
      /** Series name → values, aligned with `times`. */
      this.values = new Map();
      this.plot = null;
    }

    add(t, pairs) {
      const known = new Set(this.values.keys());
      for (const [name] of pairs) {
        // A series that appears later (a consumer created after the page opened) starts
        // with gaps, so every array stays aligned with the time axis.
        if (!this.values.has(name))
          this.values.set(
            name,
            this.times.map(() => null),
          );
      }
      this.times.push(t);
      const given = new Map(pairs);
      for (const [name, values] of this.values) values.push(given.get(name) ?? null);
      while (this.times.length && this.times[0] < t - WINDOW_SECONDS) {
        this.times.shift();
        for (const values of this.values.values()) values.shift();
      }
      this.draw(this.values.size !== known.size);
      this.describe();
    }

    draw(seriesChanged) {
      const data = [this.times, ...this.values.values()];
      if (this.plot && !seriesChanged) {
        this.plot.setData(data);
        return;
      }
      this.plot?.destroy();
      const unit = this.spec.unit;
      this.plot = new uPlot(
        {
          width: this.canvas.clientWidth || 300,
          height: 160,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { y: { range: (_u, min, max) => [0, Math.max(1, max * 1.1)] } },
          axes: [
            { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
            {
              stroke: 'currentColor',
              grid: { stroke: 'rgba(128,128,128,0.2)' },
              values: (_u, ticks) => ticks.map((tick) => `${+tick.toFixed(2)}${unit}`),
              size: 55,
            },
          ],
          series: [
            {},
            ...[...this.values.keys()].map((label, index) => ({
              label,
              stroke: COLORS[index % COLORS.length],
              width: 2,
              spanGaps: false,
            })),
          ],
        },
        data,
        this.canvas,
      );
    }

    /**
     * The legend, in words: each series' latest figure and its peak over the window. The
     * chart shows the shape; this is what a screen reader (and the browser test) reads.
     */
    describe() {
      const items = [...this.values.entries()].map(([name, values], index) => {
        const present = values.filter((value) => value !== null);
        const now = values[values.length - 1];
        const item = document.createElement('li');
        item.dataset.series = name;
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = COLORS[index % COLORS.length];
        const label = document.createElement('span');
        label.textContent = name;
        const nowText = document.createElement('span');
        nowText.className = 'now';
        nowText.textContent = `now ${format(now, this.spec.unit)}`;
        const peak = document.createElement('span');
        peak.className = 'peak';
        peak.textContent = `peak ${format(present.length ? Math.max(...present) : null, this.spec.unit)}`;
        item.append(swatch, label, nowText, peak);
        return item;
      });
      this.legend.replaceChildren(...items);
    }

    resize() {
      this.plot?.setSize({ width: this.canvas.clientWidth || 300, height: 160 });
    }
  }

  function format(value, unit) {
    if (value === null || value === undefined) return '—';
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(2);
    return `${shown}${unit ? ` ${unit}` : ''}`;
  }

  const charts = CHARTS.map((spec) => new Chart(spec));
  let previous = null;

  // The overview is cached by the gateway for about a second: the same answer twice is
  // one sample, not two (it would draw a flat step and halve the next rate).
  document.addEventListener('switchyard:overview', ({ detail: overview }) => {
    const sample = { t: Date.parse(overview.generatedAt) / 1000, overview };
    if (previous && sample.t <= previous.t) return;
    firstSampleAt ??= sample.t;
    for (const chart of charts) chart.add(sample.t, chart.spec.series(sample, previous));
    previous = sample;
  });

  document.addEventListener('switchyard:rebuild', ({ detail: run }) => {
    rebuildRun = run;
  });

  const resized = new ResizeObserver(() => charts.forEach((chart) => chart.resize()));
  for (const chart of charts) resized.observe(chart.canvas);
})();
