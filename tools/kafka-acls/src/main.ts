#!/usr/bin/env node
import {
  CommonEnvSchema,
  kafkaConnection,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
} from '@switchyard/config';
import { topology } from '@switchyard/contracts';
import { createKafka } from '@switchyard/messaging';
import { Command } from 'commander';
import { applyKafkaSetup } from './apply';
import { kafkaAclRules } from './principals';

const stderr = {
  log: (line: string) => process.stderr.write(`${line}\n`),
  warn: (line: string) => process.stderr.write(`${line}\n`),
  error: (line: string) => process.stderr.write(`${line}\n`),
};

function names() {
  const config = loadConfig(CommonEnvSchema.extend(KafkaTopicsEnvSchema.shape));
  return {
    config,
    topology: topology(config.SWITCHYARD_NAMESPACE, { kafka: kafkaReplication(config) }),
  };
}

const program = new Command()
  .name('kafka-acls')
  .description(
    'Kafka set-up of SWITCHYARD_NAMESPACE as the admin principal (KAFKA_SASL_USERNAME=admin): ' +
      "topics as declared, and each service's ACLs as derived from the topology.",
  );

program
  .command('print')
  .description('print every rule as JSON lines, without a broker')
  .action(() => {
    const rules = kafkaAclRules(names().topology);
    process.stdout.write(rules.map((rule) => `${JSON.stringify(rule)}\n`).join(''));
  });

program
  .command('apply')
  .description('create or reconcile the topics, then make the ACLs exactly as derived')
  .action(async () => {
    const { config, topology: t } = names();
    const kafka = createKafka({
      clientId: t.kafka.clientId('kafka-acls'),
      ...kafkaConnection(config),
      logger: stderr,
    });
    const { topics, acls } = await applyKafkaSetup(kafka, t, stderr);
    for (const rule of acls.created) stderr.log(`allowed ${describe(rule)}`);
    for (const rule of acls.deleted) stderr.warn(`removed ${describe(rule)} (not declared)`);
    process.stdout.write(
      `${JSON.stringify({
        msg: 'kafka set-up complete',
        topicsCreated: topics.filter((topic) => topic.created).map((topic) => topic.topic),
        aclsCreated: acls.created.length,
        aclsDeleted: acls.deleted.length,
      })}\n`,
    );
  });

function describe(rule: ReturnType<typeof kafkaAclRules>[number]): string {
  return `User:${rule.principal} ${rule.operation} ${rule.resource} ${rule.name}${rule.pattern === 'prefixed' ? '*' : ''}`;
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(
    `kafka-acls failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
