import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as prettier from 'prettier';
import { repoRoot } from '@switchyard/testkit';
import { assertLocalTargets } from './env';
import type { Measurement, MeasurementResult } from './measurement';
import type { Profile } from './profile';
import { renderRatioChart } from './report/chart';
import { describeMachine, loadAverage } from './report/machine';
import { renderMarkdown } from './report/markdown';
import type { BenchResults } from './report/results';

export interface RunOptions {
  profile: Profile;
  measurements: Measurement[];
  outDir: string;
  command: string;
}

const CHART_FILE = 'ratios.svg';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/**
 * Runs the measurements one after another (never two at once: they would measure each
 * other), keeps going when one fails, and writes the three outputs.
 */
export async function runBench({
  profile,
  measurements,
  outDir,
  command,
}: RunOptions): Promise<BenchResults> {
  assertLocalTargets();
  const started = performance.now();
  const machine = await describeMachine();
  log(`bench (${profile.name}): ${measurements.map((m) => m.id).join(', ')} on ${machine.cpu}`);
  const results: MeasurementResult[] = [];
  const warnings: string[] = [];
  // The 1-minute load average, sampled before each measurement: above the core count,
  // something else competed for the CPU while this run measured (e.g. other test suites).
  const busy: string[] = [];
  const failures: BenchResults['failures'] = [];
  for (const measurement of measurements) {
    log(`${measurement.id}. ${measurement.title}`);
    const load = loadavg()[0]!;
    if (load > cpus().length) busy.push(`${measurement.id} (${load.toFixed(1)})`);
    const measurementStarted = performance.now();
    try {
      const result = await measurement.run({ profile, log });
      results.push(result);
      for (const r of Object.values(result.ratios)) {
        const verdict = r.met === undefined ? '' : r.met ? ' (target met)' : ' (target NOT met)';
        log(`  ${r.label}: ${r.value.toFixed(3)}${verdict}`);
      }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`  FAILED: ${message}`);
      failures.push({
        id: measurement.id,
        title: measurement.title,
        error: String((error as Error)?.message ?? error),
      });
    }
    log(`  (${((performance.now() - measurementStarted) / 1_000).toFixed(1)} s)`);
  }
  machine['load average at end (1/5/15 min)'] = loadAverage();
  if (profile.name === 'quick') {
    warnings.push(
      `Quick profile: a smoke run of every measurement with small counts (the rebuild replays ${profile.rebuild.events} ` +
        'events, not 1,000,000), where fixed costs dominate. Its verdicts against the targets are not meaningful; ' +
        'the targets are judged on the full run (`npm run bench`).',
    );
  }
  if (busy.length > 0) {
    warnings.push(
      `The machine was busy: the 1-minute load average exceeded its ${cpus().length} cores before measurement(s) ` +
        `${busy.join(', ')}. That average also carries the bench's own previous measurement for a minute (the ` +
        'bridge and rebuild keep every core busy); other processes (e.g. test suites on the same brokers) may have ' +
        'competed for CPU, so absolute figures are noisy; ratios within one measurement are less affected, as both ' +
        'sides ran interleaved.',
    );
  }
  const bench: BenchResults = {
    generatedAt: new Date().toISOString(),
    profile: profile.name,
    command,
    durationSeconds: (performance.now() - started) / 1_000,
    machine,
    warnings,
    measurements: results,
    failures,
  };
  await writeOutputs(bench, outDir);
  log(
    `wrote ${join(outDir, 'latest.md')}, ${CHART_FILE}, bench-results.json in ${bench.durationSeconds.toFixed(0)} s`,
  );
  return bench;
}

/**
 * Writes bench-results.json, the chart and latest.md (also used to re-render from a saved
 * JSON). The text outputs go through the repository's Prettier config, so a fresh run
 * never breaks `npm run format:check`.
 */
export async function writeOutputs(bench: BenchResults, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const write = async (file: string, text: string) => {
    const path = join(outDir, file);
    const options = (await prettier.resolveConfig(path)) ?? {};
    writeFileSync(path, await prettier.format(text, { ...options, filepath: path }));
  };
  await write('bench-results.json', JSON.stringify(bench, null, 2));
  writeFileSync(join(outDir, CHART_FILE), await renderRatioChart(bench.measurements));
  const method = relative(outDir, join(repoRoot, 'docs', 'adr', '0009-benchmark-method.md'));
  await write('latest.md', renderMarkdown(bench, CHART_FILE, method));
}
