import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topology } from '@switchyard/contracts';
import { KAFKA_PRINCIPALS, kafkaAclRules } from './principals';

const t = topology('ns1');

describe('kafkaAclRules', () => {
  it('given the topology, when derived, then only the bridge and the projector may write, each to its own topic', () => {
    const writes = kafkaAclRules(t).filter((rule) => rule.operation === 'write');
    expect(writes.map((rule) => `${rule.principal} ${rule.name}`).sort()).toEqual([
      'bridge ns1.switchyard.orders.events',
      'projector ns1.switchyard.deadletters',
    ]);
  });

  it('given the topology, when derived, then the rebuilder reads by the prefix of its per-run groups', () => {
    const groups = kafkaAclRules(t).filter(
      (rule) => rule.principal === 'rebuilder' && rule.resource === 'group',
    );
    expect(groups).toEqual([
      expect.objectContaining({
        name: 'ns1.switchyard.rebuilder.orders.',
        pattern: 'prefixed',
        operation: 'read',
      }),
      expect.objectContaining({
        name: 'ns1.switchyard.rebuilder.orders.',
        pattern: 'prefixed',
        operation: 'delete',
      }),
    ]);
    expect(t.kafka.groups.rebuilder('run-1').startsWith(groups[0]!.name)).toBe(true);
  });

  it('given the topology, when derived, then the gateway can describe but never read', () => {
    const operations = new Set(
      kafkaAclRules(t)
        .filter((rule) => rule.principal === 'gateway')
        .map((rule) => rule.operation),
    );
    expect([...operations]).toEqual(['describe']);
  });

  it('given the topology, when derived, then nobody but the admin may create, alter or delete a topic', () => {
    const topicChanges = kafkaAclRules(t).filter(
      (rule) =>
        rule.resource === 'topic' &&
        !['read', 'write', 'describe', 'describe-configs'].includes(rule.operation),
    );
    expect(topicChanges).toEqual([]);
    expect(kafkaAclRules(t).some((rule) => rule.resource === 'cluster')).toBe(false);
  });

  it('given infra/local/kafka.sh, when it creates its SCRAM users, then every principal is among them', () => {
    const script = readFileSync(join(__dirname, '../../../infra/local/kafka.sh'), 'utf8');
    const users = /KAFKA_SASL_USERS="\$\{KAFKA_SASL_USERS:-([^}]*)\}"/
      .exec(script)?.[1]
      ?.split(' ');
    expect(users).toEqual(expect.arrayContaining(['admin', ...KAFKA_PRINCIPALS]));
  });
});
