#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { latencyChart } from './chart';
import { trialEnv } from './env';
import { renderComparison } from './report';
import { resolveShape, ShapeError } from './shape';
import { runTrial } from './trial';

/**
 * `npm run trial -- [flags]`: the reader's workload shape, on core NATS, JetStream and
 * Kafka, one comparison. Flags override the `--shape` file, which overrides the defaults.
 */
const program = new Command('trial')
  .description('Run your workload shape against core NATS, JetStream and Kafka on this machine')
  .option('--shape <file.yaml>', 'a YAML file with any of the fields below')
  .option('--size <bytes>', 'payload bytes per message (default 256)')
  .option('--rate <msgPerSec>', 'messages per second, evenly spaced (default 300)')
  .option('--burst <K/T>', 'bursts instead: K messages at once every T ms, e.g. 50/100')
  .option('--fanout <n>', 'subscribers that each get every message (default 2)')
  .option('--consumers <n>', 'competing consumers per subscriber (default 1)')
  .addOption(
    new Option('--delivery <semantics>', 'what you need (default at-least-once)').choices([
      'at-most-once',
      'at-least-once',
    ]),
  )
  .option('--retention <age>', 'none, forever, or e.g. 90s, 10m, 1h, 7d (default 1h)')
  .option('--duration <seconds>', 'seconds of load per transport (default 10)')
  .option('--disconnect <at/forMs>', 'subscriber 0 away: fraction/ms, e.g. 0.4/1000; 0/0: never')
  .option('--transports <list>', 'comma-separated: core,jetstream,kafka (default all)')
  .option('--nats <url>', 'NATS server (default NATS_URL, else nats://127.0.0.1:4222)')
  .option('--kafka <brokers>', 'Kafka brokers (default KAFKA_BROKERS, else localhost:9092)')
  .option('--json <file>', 'also write the results as JSON')
  .option('--no-color', 'a chart without colours');

/** `a/b` → `{ [first]: a, [second]: b }`, left for the shape's schema to validate. */
const pair = (value: string | undefined, first: string, second: string) => {
  if (value === undefined) return undefined;
  const [a, b] = value.split('/');
  return { [first]: a, [second]: b };
};

async function main(): Promise<void> {
  program.parse();
  const o = program.opts<Record<string, string | boolean | undefined>>();
  const text = (key: string) => (typeof o[key] === 'string' ? o[key] : undefined);
  // `npm run trial` runs in tools/trial; a path the reader typed is relative to where they
  // typed it, which npm passes on as INIT_CWD.
  const path = (key: string) => {
    const value = text(key);
    return value === undefined ? undefined : resolve(process.env.INIT_CWD ?? process.cwd(), value);
  };
  const shape = resolveShape(path('shape'), {
    size: text('size'),
    rate: text('rate'),
    burst: pair(text('burst'), 'size', 'everyMs'),
    fanout: text('fanout'),
    consumers: text('consumers'),
    delivery: text('delivery'),
    retention: text('retention'),
    duration: text('duration'),
    disconnect: pair(text('disconnect'), 'at', 'forMs'),
    transports: text('transports')
      ?.split(',')
      .map((t) => t.trim()),
  });
  const env = trialEnv({ nats: text('nats'), kafka: text('kafka') });
  const log = (message: string) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  const trial = await runTrial(shape, env, { log });
  process.stdout.write(
    `${renderComparison(trial, latencyChart(trial.results, o.color !== false))}\n`,
  );
  const json = path('json');
  if (json) writeFileSync(json, JSON.stringify(trial, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ShapeError ? error.message : String(error)}\n`);
    process.exit(error instanceof ShapeError ? 2 : 1);
  },
);
