#!/usr/bin/env node
import { positiveInt } from '@switchyard/config';
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '@switchyard/testkit';
import { Command, InvalidArgumentError } from 'commander';
import { MEASUREMENTS } from './measurements';
import { PROFILES } from './profile';
import type { BenchResults } from './report/results';
import { runBench, writeOutputs } from './runner';

/** Paths on the command line are relative to where `npm run bench` was typed, not to this workspace. */
const fromInvocation = (path: string) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const program = new Command()
  .name('bench')
  .description(
    'Measure each Switchyard path next to its raw-client twin, on this machine, in one run.',
  )
  .option('--quick', 'small counts and few repetitions: a smoke run in under 3 minutes', false)
  .option(
    '--only <ids>',
    `comma-separated measurement ids (${MEASUREMENTS.map((m) => m.id).join(', ')})`,
    (value) => value.split(',').map((id) => id.trim()),
  )
  .option(
    '--out <dir>',
    'where latest.md, ratios.svg and bench-results.json go',
    join(repoRoot, 'docs', 'benchmarks'),
  )
  .option(
    '--render <json>',
    'measure nothing: re-render latest.md and the chart from a bench-results.json',
  )
  .option('--rebuild-events <n>', 'events replayed by the rebuild measurement (6)', positiveInt)
  .action(
    async (options: {
      quick: boolean;
      only?: string[];
      out: string;
      rebuildEvents?: number;
      render?: string;
    }) => {
      if (options.render) {
        const saved = JSON.parse(
          readFileSync(fromInvocation(options.render), 'utf8'),
        ) as BenchResults;
        await writeOutputs(saved, fromInvocation(options.out));
        return;
      }
      const base = PROFILES[options.quick ? 'quick' : 'full'];
      const profile = options.rebuildEvents
        ? {
            ...base,
            rebuild: {
              events: options.rebuildEvents,
              smallEvents: Math.max(1, Math.round(options.rebuildEvents / 10)),
            },
          }
        : base;
      const unknown = (options.only ?? []).filter((id) => !MEASUREMENTS.some((m) => m.id === id));
      if (unknown.length > 0)
        throw new InvalidArgumentError(`unknown measurement ids: ${unknown.join(', ')}`);
      const measurements = options.only
        ? MEASUREMENTS.filter((m) => options.only!.includes(m.id))
        : MEASUREMENTS;
      const results = await runBench({
        profile,
        measurements,
        outDir: fromInvocation(options.out),
        command: [
          'npm run bench',
          ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : []),
        ].join(' '),
      });
      // Open handles (kafkajs timers, Nest) must not keep a finished bench alive.
      process.exit(results.failures.length > 0 ? 1 : 0);
    },
  );

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
