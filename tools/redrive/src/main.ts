#!/usr/bin/env node
import { jetstreamManager } from '@nats-io/jetstream';
import { CommonEnvSchema, loadConfig, positiveInt } from '@switchyard/config';
import { topology } from '@switchyard/contracts';
import {
  connectNats,
  countDeadLetters,
  ensureStream,
  redriveDeadLetters,
} from '@switchyard/messaging';
import { Command, Option } from 'commander';

const config = loadConfig(CommonEnvSchema.omit({ HTTP_PORT: true }));
const names = topology(config.SWITCHYARD_NAMESPACE);
const sources = names.deadLetterSources;
const deadLetterStream = names.nats.streams.deadLetters.name;

interface CliOptions {
  source?: string;
  limit: number;
  dryRun: boolean;
}

/**
 * ### `npm run redrive`: one command for every JetStream dead letter.
 *
 * Without `--source` it lists how many dead letters wait per source. With one, it moves
 * them back to the consumer that gave up on them (see `redriveDeadLetters` for where
 * "back" is, and why it is not always the original subject).
 */
const program = new Command()
  .name('redrive')
  .description('List JetStream dead letters, or move one source back to its consumer.')
  .addOption(
    new Option('--source <name>', 'whose dead letters to move back').choices(
      sources.map(({ source }) => source),
    ),
  )
  .option('--limit <n>', 'redrive at most this many', positiveInt, 1_000)
  .option('--dry-run', 'list what would be redriven, change nothing', false)
  .action(async (options: CliOptions) => {
    const nc = await connectNats({ settings: config, name: 'redrive' });
    try {
      const jsm = await jetstreamManager(nc);
      // Same declarations and replicas as the services: running the tool never resizes a stream.
      const declared = {
        replicas: config.JETSTREAM_REPLICAS,
        logger: {
          log: (message: string) => process.stderr.write(`${message}\n`),
          warn: (message: string) => process.stderr.write(`${message}\n`),
        },
      };
      await ensureStream(jsm, names.nats.streams.deadLetters, declared);
      const source = sources.find(({ source }) => source === options.source);
      if (!source) {
        for (const { source, count } of await countDeadLetters(nc, deadLetterStream, sources)) {
          process.stdout.write(`${source.padEnd(28)} ${count}\n`);
        }
        return;
      }
      // The event-log sources come back through REDRIVES: make sure it exists, so the
      // messages wait there even while their consumer is not running.
      if (source.redriveSubject) await ensureStream(jsm, names.nats.streams.redrives, declared);
      const redriven = await redriveDeadLetters(nc, {
        deadLetterStream,
        source,
        limit: options.limit,
        dryRun: options.dryRun,
      });
      for (const item of redriven) {
        process.stdout.write(
          `${options.dryRun ? 'would redrive' : 'redriven'} #${item.deadLetterSequence} → ${item.target} (was: ${item.reason})\n`,
        );
      }
      process.stdout.write(
        `${JSON.stringify({ msg: 'redrive complete', source: source.source, count: redriven.length, dryRun: options.dryRun })}\n`,
      );
    } finally {
      await nc.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`redrive failed: ${String(error)}\n`);
  process.exit(1);
});
