#!/usr/bin/env node
import './telemetry';
import { positiveInt } from '@switchyard/config';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PROJECTIONS } from '@switchyard/contracts';
import { runService } from '@switchyard/service';
import { Command, InvalidArgumentError } from 'commander';
import { Logger } from 'nestjs-pino';
import { config } from './config';
import { RebuilderModule, RebuilderServerModule } from './rebuilder.module';
import { progressReporter } from './rebuilding/progress';
import { RebuildOrdersService } from './rebuilding/rebuild-orders.service';
import { RollbackOrdersService } from './rolling-back/rollback-orders.service';
import { setupDatabase } from './setting-up/setup-database';

function projection(value: string): string {
  if (!(PROJECTIONS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown projection; choose one of: ${PROJECTIONS.join(', ')}`);
  }
  return value;
}

/** Runs one job in a Nest application context (no HTTP, no NATS server), then closes it. */
async function once<T>(
  job: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>) => Promise<T>,
) {
  const app = await NestFactory.createApplicationContext(RebuilderModule, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  try {
    return await job(app);
  } finally {
    await app.close();
  }
}

interface RebuildCliOptions {
  timeoutMs: number;
  allowIncompleteHistory: boolean;
}

const program = new Command()
  .name('rebuild')
  .description('Blue-green rebuilds of the read models from Kafka offset zero.');

// The default command: `rebuild orders` (or `node dist/main.js orders`).
program
  .command('rebuild', { isDefault: true })
  .description(
    'Replay Kafka from offset zero into a new read-model version, then swap it in atomically.',
  )
  .argument('<projection>', `projection to rebuild (${PROJECTIONS.join(', ')})`, projection)
  .option(
    '--timeout-ms <ms>',
    'give up (and keep the live version) after this long',
    positiveInt,
    600_000,
  )
  .option(
    '--allow-incomplete-history',
    'rebuild even if the topic lost records (retention, deleted records, a recreated topic): ' +
      'the new version will lack them; recorded as the run warning',
    false,
  )
  .action(async (_projection: string, options: RebuildCliOptions) => {
    const result = await once(async (app) => {
      const run = await app.get(RebuildOrdersService).start({
        timeoutMs: options.timeoutMs,
        allowIncompleteHistory: options.allowIncompleteHistory,
        reporter: (total) => progressReporter(total),
      });
      return run.done;
    });
    process.stdout.write(`${JSON.stringify({ msg: 'rebuild complete', ...result })}\n`);
  });

program
  .command('rollback')
  .description('Make the previous version live again (the one the last rebuild replaced).')
  .argument('<projection>', `projection to roll back (${PROJECTIONS.join(', ')})`, projection)
  .action(async () => {
    const result = await once((app) => app.get(RollbackOrdersService).rollback());
    process.stdout.write(`${JSON.stringify({ msg: 'rollback complete', ...result })}\n`);
  });

program
  .command('setup-database')
  .description(
    "As a Postgres superuser (DATABASE_SETUP_URL): the projector's and rebuilder's roles, " +
      'their rights on the read models schema, its tables. Idempotent; sets the passwords again.',
  )
  .action(async () => {
    const result = await setupDatabase();
    process.stdout.write(`${JSON.stringify({ msg: 'database set up', ...result })}\n`);
  });

program
  .command('serve')
  .description(
    "Run as a service: rebuilds on request over NATS (the gateway's /admin/projections).",
  )
  .action(async () => {
    await runService({
      name: 'rebuilder',
      module: RebuilderServerModule,
      config,
      natsServer: true,
    });
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`rebuilder: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
