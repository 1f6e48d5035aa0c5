#!/usr/bin/env node
import { randomInt } from 'node:crypto';
import {
  CommonEnvSchema,
  kafkaConnection,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
  positiveInt,
} from '@switchyard/config';
import { catalog, publishedChannel, topology } from '@switchyard/contracts';
import { createKafka, EventProducer, KafkaAdmin } from '@switchyard/messaging';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkCounts, defaultStart } from './order-lifecycles';
import { progressFor } from './progress';
import { seedOrderEvents } from './seed-order-events';

function fraction(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !(parsed >= 0 && parsed <= 1)) {
    throw new InvalidArgumentError('expected a number from 0 to 1');
  }
  return parsed;
}

function instant(value: string): Date {
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new InvalidArgumentError('expected an ISO 8601 time');
  return parsed;
}

interface CliOptions {
  events: number;
  orders?: number;
  v1Share: number;
  batch?: number;
  seed?: number;
  start?: Date;
}

const stderr = {
  log: (line: string) => process.stderr.write(`${line}\n`),
  warn: (line: string) => process.stderr.write(`${line}\n`),
  error: (line: string) => process.stderr.write(`${line}\n`),
};

const program = new Command()
  .name('seed')
  .description(
    'Write synthetic, valid order events straight to the Kafka order-events topic of ' +
      'SWITCHYARD_NAMESPACE (created if missing): several event types, many orders, every partition.',
  )
  .option('--events <n>', 'events to write, exactly', positiveInt, 100_000)
  .option(
    '--orders <n>',
    'orders they belong to, 1-3 events each (default: events / 2)',
    positiveInt,
  )
  .addOption(
    new Option('--v1-share <fraction>', 'share of OrderPlaced written as the old v1 (0 to 1)')
      .argParser(fraction)
      .default(0.2),
  )
  .option('--batch <n>', 'records per Kafka send (default: 1,000 per partition)', positiveInt)
  .option('--seed <n>', 'seed for the generator: same seed and --start, same events', positiveInt)
  .option(
    '--start <time>',
    'when the first order was placed (default: so that the last event is now)',
    instant,
  )
  .action(async (options: CliOptions) => {
    const orders = options.orders ?? Math.ceil(options.events / 2);
    const problem = checkCounts({ events: options.events, orders });
    if (problem) throw new InvalidArgumentError(problem);
    const seed = options.seed ?? randomInt(1, 2 ** 31);

    const config = loadConfig(CommonEnvSchema.extend(KafkaTopicsEnvSchema.shape));
    const names = topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) });
    // The catalog lists seed as a producer of the order history: its topic comes from there.
    const history = publishedChannel(catalog(names), 'seed', 'orderHistory');
    const topic = Object.values(names.kafka.topics).find((t) => t.name === history.address);
    if (!topic) throw new Error(`no topic declared for ${history.address}`);
    const kafka = createKafka({
      clientId: names.kafka.clientId('seed'),
      ...kafkaConnection(config),
      logger: stderr,
    });

    const admin = new KafkaAdmin(kafka);
    await admin.connect();
    try {
      await admin.ensureTopics([topic], stderr);
    } finally {
      await admin.disconnect();
    }

    const producer = new EventProducer(kafka);
    await producer.connect();
    const progress = progressFor(options.events);
    try {
      const result = await seedOrderEvents(
        producer,
        {
          topic: topic.name,
          events: options.events,
          orders,
          v1Share: options.v1Share,
          // ~750 B per record: 1,000 per partition keeps each partition's record batch
          // under the broker's default `message.max.bytes` (1 MB) with room to spare.
          batch: options.batch ?? topic.partitions * 1_000,
          seed,
          start: options.start ?? defaultStart(orders),
        },
        (written) => progress.update(written),
      );
      progress.stop();
      process.stdout.write(
        `${JSON.stringify({ msg: 'seed complete', topic: topic.name, seed, ...result })}\n`,
      );
    } finally {
      progress.stop();
      await producer.disconnect();
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
