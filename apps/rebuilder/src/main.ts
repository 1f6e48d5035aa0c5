#!/usr/bin/env node
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Command, InvalidArgumentError } from 'commander';
import { Logger } from 'nestjs-pino';
import { RebuilderModule } from './rebuilder.module';
import { RebuildOrdersService } from './rebuilding/rebuild-orders.service';

const PROJECTIONS = ['orders'] as const;

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

const program = new Command()
  .name('rebuild')
  .description(
    'Replay Kafka from offset zero into a new read-model version, then swap it in atomically.',
  )
  .argument('<projection>', `projection to rebuild (${PROJECTIONS.join(', ')})`, (value) => {
    if (!(PROJECTIONS as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(
        `unknown projection; choose one of: ${PROJECTIONS.join(', ')}`,
      );
    }
    return value;
  })
  .option(
    '--timeout-ms <ms>',
    'give up (and keep the live version) after this long',
    positiveInt,
    600_000,
  )
  .action(async (_projection: string, options: { timeoutMs: number }) => {
    const app = await NestFactory.createApplicationContext(RebuilderModule, { bufferLogs: true });
    app.useLogger(app.get(Logger));
    try {
      const result = await app.get(RebuildOrdersService).rebuild(options);
      process.stdout.write(`${JSON.stringify({ msg: 'rebuild complete', ...result })}\n`);
    } finally {
      await app.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${String(error)}\n`);
  process.exit(1);
});
