#!/usr/bin/env node
import { positiveInt } from '@switchyard/config';
import { Command } from 'commander';
import { connectNats } from '@switchyard/messaging';
import { config, TOPOLOGY } from './config';
import { redriveDeadLetters } from './redriving/redrive-dead-letters';

const program = new Command()
  .name('redrive')
  .description('Move dead-lettered payment requests back to payments.requested.')
  .option('--limit <n>', 'redrive at most this many', positiveInt, 1_000)
  .option('--dry-run', 'list what would be redriven, change nothing', false)
  .action(async (options: { limit: number; dryRun: boolean }) => {
    const nc = await connectNats({ url: config.NATS_URL, name: 'payments-redrive' });
    try {
      const redriven = await redriveDeadLetters(nc, {
        deadLetterStream: TOPOLOGY.nats.streams.deadLetters.name,
        deadLetterSubject: TOPOLOGY.nats.consumers.paymentsWorker.deadLetterSubject,
        ...options,
      });
      for (const item of redriven) {
        process.stdout.write(
          `${options.dryRun ? 'would redrive' : 'redriven'} #${item.deadLetterSequence} → ${item.originalSubject} (was: ${item.reason})\n`,
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
