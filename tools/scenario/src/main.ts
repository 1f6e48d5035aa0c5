#!/usr/bin/env node
import { resolve } from 'node:path';
import { positiveInt } from '@switchyard/config';
import { Command } from 'commander';
import { openContext } from './context';
import { ScenarioEnvSchema } from './env';
import { terminalNarrator } from './narrator';
import type { Scenario } from './scenario';
import { SCENARIOS } from './scenarios';

/** tools/scenario/dist → the repository root (infra/local/kafka.sh lives there). */
const repoRoot = resolve(__dirname, '..', '..', '..');

interface CliOptions {
  gatewayUrl?: string;
  nats?: string;
  kafka?: string;
  namespace?: string;
  orders: number;
  downSeconds: number;
}

/** Flags win over the environment; the environment over the defaults (the local demo). */
function environment(options: CliOptions) {
  const overrides: Record<string, string | undefined> = {
    GATEWAY_URL: options.gatewayUrl,
    NATS_URL: options.nats,
    KAFKA_BROKERS: options.kafka,
    SWITCHYARD_NAMESPACE: options.namespace,
  };
  const env = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) env[key] = value;
  return ScenarioEnvSchema.parse(env);
}

async function runScenario(
  scenario: Scenario,
  options: CliOptions,
  own: Record<string, number | string> = {},
): Promise<void> {
  const env = environment(options);
  const narrator = terminalNarrator();
  console.log(`\n${scenario.name}: “${scenario.claim}”`);
  console.log(
    `  against ${scenario.standalone ? '' : `${env.GATEWAY_URL}, `}NATS ${env.NATS_URL}, Kafka ${env.KAFKA_BROKERS.join(',')}` +
      (env.SWITCHYARD_NAMESPACE ? `, namespace ${env.SWITCHYARD_NAMESPACE}` : '') +
      '\n',
  );
  const context = await openContext(env, narrator, repoRoot);
  try {
    await scenario.run(context, {
      orders: options.orders,
      downSeconds: options.downSeconds,
      ...own,
    });
  } finally {
    await context.close();
  }
}

const program = new Command()
  .name('scenario')
  .description(
    'One lesson per command, run against the running demo (npm run demo): each says what it ' +
      'did and what the system did, with numbers. `list` shows them all.',
  )
  .option('--gateway-url <url>', 'the gateway (env GATEWAY_URL, default http://localhost:3000)')
  .option('--nats <url>', 'NATS server(s) (env NATS_URL)')
  .option('--kafka <brokers>', 'Kafka brokers, comma-separated (env KAFKA_BROKERS)')
  .option('--namespace <ns>', 'the demo’s SWITCHYARD_NAMESPACE (default: none)')
  .option('--orders <n>', 'orders the scenario places', positiveInt, 10)
  .option('--down-seconds <n>', 'kafka-down: how long Kafka stays down', positiveInt, 20);

program
  .command('list')
  .description('the scenarios and the claim each demonstrates')
  .action(() => {
    for (const scenario of SCENARIOS) {
      console.log(
        `${scenario.name.padEnd(18)} “${scenario.claim}”\n${' '.repeat(19)}${scenario.summary}`,
      );
    }
  });

for (const scenario of SCENARIOS) {
  const command = program
    .command(scenario.name)
    .description(`${scenario.summary} (“${scenario.claim}”)`);
  for (const flag of scenario.flags ?? []) {
    if (flag.text) command.option(flag.flags, flag.description, String(flag.defaultValue));
    else command.option(flag.flags, flag.description, positiveInt, Number(flag.defaultValue));
  }
  command.action((own: Record<string, number | string>) =>
    runScenario(scenario, program.opts<CliOptions>(), own),
  );
}

program.parseAsync().catch((error: unknown) => {
  console.error(`\nscenario failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
