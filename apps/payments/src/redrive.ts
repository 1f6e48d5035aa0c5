#!/usr/bin/env node
import { positiveInt } from '@switchyard/config';
import { Command } from 'commander';
import { connectNats, redriveDeadLetters } from '@switchyard/messaging';
import { config, TOPOLOGY } from './config';

/**
 * The payments shortcut of the one redrive command (`npm run redrive -- --source
 * payments.requested`, tools/redrive): same library, same output, kept so the payments
 * lesson reads in one place.
 */
const source = TOPOLOGY.deadLetterSources.find(
  ({ deadLetterSubject }) =>
    deadLetterSubject === TOPOLOGY.nats.consumers.paymentsWorker.deadLetterSubject,
)!;

const program = new Command()
  .name('redrive')
  .description('Move dead-lettered payment requests back to payments.requested.')
  .option('--limit <n>', 'redrive at most this many', positiveInt, 1_000)
  .option('--dry-run', 'list what would be redriven, change nothing', false)
  .action(async (options: { limit: number; dryRun: boolean }) => {
    const nc = await connectNats({ settings: config, name: 'payments-redrive' });
    try {
      const redriven = await redriveDeadLetters(nc, {
        deadLetterStream: TOPOLOGY.nats.streams.deadLetters.name,
        source,
        ...options,
      });
      for (const item of redriven) {
        process.stdout.write(
          `${options.dryRun ? 'would redrive' : 'redriven'} #${item.deadLetterSequence} → ${item.target} (was: ${item.reason})\n`,
        );
      }
      process.stdout.write(
        `${JSON.stringify({ msg: 'redrive complete', count: redriven.length, dryRun: options.dryRun })}\n`,
      );
    } finally {
      await nc.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`redrive failed: ${String(error)}\n`);
  process.exit(1);
});
