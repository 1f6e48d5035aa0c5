import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jetstream } from '@nats-io/jetstream';
import { envelopeHeaders, topology } from '@switchyard/contracts';
import {
  BatchConsumer,
  connectNats,
  createKafka,
  EventProducer,
  KafkaAdmin,
  syncAcls,
  toNatsHeaders,
  type ConsumedRecord,
} from '@switchyard/messaging';
import { ident, setUpDatabaseRoles } from '@switchyard/read-models';
import {
  anOrderPlaced,
  cleanupNamespace,
  runScript,
  SaslKafka,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Pool } from 'pg';
import { applyKafkaSetup } from './apply';
import { KAFKA_PRINCIPALS, kafkaAclRules } from './principals';

/**
 * ### Each service's Kafka principal can do its job, and nothing else
 *
 * On a broker with SCRAM-SHA-512 and the StandardAuthorizer (nothing allowed without a
 * rule), set up by `applyKafkaSetup` as the admin, exactly as `npm run kafka-acls -- apply`.
 */
const quiet = { log() {}, warn() {}, error() {} };
const namespace = uniqueNamespace('acl');
const t = topology(namespace);
const history = t.kafka.topics.orderEvents.name;
const deadLetters = t.kafka.topics.deadLetters.name;
const record = (key: string) => ({ key, value: JSON.stringify({ key }) });

let broker: SaslKafka;
const opened: { disconnect(): Promise<void> }[] = [];

function client(principal: string, password?: string) {
  return createKafka({
    clientId: `acl-test-${principal}`,
    brokers: broker.brokers,
    logger: quiet,
    security: broker.security(principal, password),
  });
}

async function producerOf(principal: string): Promise<EventProducer> {
  const producer = new EventProducer(client(principal));
  opened.push(producer);
  await producer.connect();
  return producer;
}

async function adminOf(principal: string, password?: string): Promise<KafkaAdmin> {
  const admin = new KafkaAdmin(client(principal, password));
  await admin.connect();
  opened.push(admin);
  return admin;
}

/** Joins `groupId` on the history topic: 'member', or the broker's refusal. */
async function joinAs(principal: string, groupId: string): Promise<string> {
  const consumer = client(principal).consumer({ groupId, retry: { retries: 0 } });
  opened.push(consumer);
  const outcome = new Promise<string>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve('member'));
    consumer.on(consumer.events.CRASH, (event) => resolve(String(event.payload.error)));
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: history, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
  } catch (error) {
    return String(error);
  }
  return outcome;
}

/** Reads the history in `groupId` with the services' own consumer, until `keys` are read. */
async function consumeAs(principal: string, groupId: string, keys: string[]) {
  const seen: ConsumedRecord[] = [];
  const consumer = new BatchConsumer(client(principal), {
    groupId,
    topic: history,
    fromBeginning: true,
    logger: quiet,
    handle: async (records) => void seen.push(...records),
  });
  opened.push({ disconnect: () => consumer.stop() });
  await consumer.start();
  await waitFor(`${principal} to read ${keys.join(', ')}`, () =>
    keys.every((key) => seen.some((record) => record.key === key)),
  );
  await consumer.stop();
  return seen;
}

beforeAll(async () => {
  broker = await SaslKafka.up();
  await applyKafkaSetup(client('admin'), t);
  // Something in the history for the readers, written by its one writer.
  await (await producerOf('bridge')).send(history, [record('o-1'), record('o-2')]);
});

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((client) => client.disconnect()));
});

afterAll(async () => {
  await broker?.remove();
  await cleanupNamespace(namespace);
});

describe('the set-up principal', () => {
  it('given the rules applied once, when applied again, then nothing changes', async () => {
    const again = await applyKafkaSetup(client('admin'), t);
    expect(again.acls).toEqual({ created: [], deleted: [] });
    expect(again.topics.every((topic) => !topic.created && topic.changed.length === 0)).toBe(true);
  });

  it("given another namespace on the same cluster, when it is set up, then this one's rules stay", async () => {
    const other = topology(uniqueNamespace('aclother'));
    const setUp = await applyKafkaSetup(client('admin'), other);
    expect(setUp.acls.deleted).toEqual([]);
    expect((await applyKafkaSetup(client('admin'), t)).acls).toEqual({ created: [], deleted: [] });
  });

  it('given a rule nobody declared, when synced, then it is removed', async () => {
    const rules = kafkaAclRules(t);
    const extra = {
      ...rules.find((rule) => rule.principal === 'gateway')!,
      operation: 'read' as const,
    };
    await syncAcls(client('admin'), KAFKA_PRINCIPALS, [...rules, extra]);
    const synced = await syncAcls(client('admin'), KAFKA_PRINCIPALS, rules);
    expect(synced).toEqual({ created: [], deleted: [extra] });
  });
});

describe('logging in', () => {
  it('given a wrong password, when a client connects, then SCRAM refuses it', async () => {
    await expect(adminOf('bridge', 'not-the-password')).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed/,
    );
  });

  it('given a rotated password, when set on the broker, then the new one logs in and the old one is refused', async () => {
    const { old, current } = await broker.rotate('gateway');
    await expect(adminOf('gateway', current)).resolves.toBeDefined();
    await expect(adminOf('gateway', old)).rejects.toThrow(
      /SASL SCRAM SHA512 authentication failed/,
    );
  });

  it('given a user the broker does not know, when it connects, then it is refused', async () => {
    await expect(adminOf('intruder', 'anything')).rejects.toThrow(/authentication failed/);
  });
});

describe('the bridge', () => {
  it('given its principal, when it produces to the history idempotently, then the broker accepts', async () => {
    const producer = await producerOf('bridge');
    await expect(producer.send(history, [record('o-3')])).resolves.toBeUndefined();
  });

  it('given its principal, when it writes to the dead letters, then it is refused', async () => {
    const producer = await producerOf('bridge');
    await expect(producer.send(deadLetters, [record('o-4')])).rejects.toThrow(/authoriz/i);
  });

  it('given its principal, when it starts (ensureTopics), then it checks the topics but cannot create one', async () => {
    const admin = await adminOf('bridge');
    const checked = await admin.ensureTopics(Object.values(t.kafka.topics));
    expect(checked.map((topic) => topic.created)).toEqual([false, false]);
    // kafkajs gathers the per-topic errors of CreateTopics into one.
    await expect(
      admin.ensureTopics([{ name: `${history}.new`, partitions: 1 }]),
    ).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'TOPIC_AUTHORIZATION_FAILED' })],
    });
  });
});

describe('the projector', () => {
  it('given its principal, when it reads the history in its group, then it reads and commits', async () => {
    const records = await consumeAs('projector', t.kafka.groups.projector, ['o-1', 'o-2']);
    expect(records.map((r) => r.key)).toEqual(expect.arrayContaining(['o-1', 'o-2']));
    const lag = await (
      await adminOf('projector')
    ).consumerGroupLag(t.kafka.groups.projector, history);
    expect(lag.some((partition) => partition.committedOffset !== null)).toBe(true);
  });

  it('given its principal, when it parks a poison record, then the dead letters take it', async () => {
    const producer = await producerOf('projector');
    await expect(producer.send(deadLetters, [record('poison')])).resolves.toBeUndefined();
  });

  it('given its principal, when it writes to the history, then it is refused', async () => {
    const producer = await producerOf('projector');
    await expect(producer.send(history, [record('forged')])).rejects.toThrow(/authoriz/i);
  });

  it("given its principal, when it joins a rebuild's group, then it is refused", async () => {
    const group = t.kafka.groups.rebuilder('r1');
    // kafkajs reports a group it may not even look up as "Failed to find group coordinator";
    // the broker's authorizer log says why.
    expect(await joinAs('projector', group)).toMatch(/group coordinator/);
    expect(
      broker.denials('projector').some((line) => line.includes(`Group:LITERAL:${group}`)),
    ).toBe(true);
  });
});

describe('the rebuilder', () => {
  it('given its principal, when it replays in a fresh per-run group, then it reads and may delete the group', async () => {
    const group = t.kafka.groups.rebuilder(uniqueNamespace('run'));
    expect((await consumeAs('rebuilder', group, ['o-1', 'o-2'])).length).toBeGreaterThanOrEqual(2);
    await expect((await adminOf('rebuilder')).deleteGroups([group])).resolves.toBeUndefined();
  });

  it("given its principal, when it joins the projector's group, then it is refused", async () => {
    const group = t.kafka.groups.projector;
    expect(await joinAs('rebuilder', group)).toMatch(/group coordinator/);
    expect(
      broker.denials('rebuilder').some((line) => line.includes(`Group:LITERAL:${group}`)),
    ).toBe(true);
  });

  it('given its principal, when it produces anything, then it is refused', async () => {
    await expect(producerOf('rebuilder')).rejects.toThrow(/authoriz/i);
  });
});

describe('the gateway', () => {
  it("given its principal, when it asks for the projector's lag, then it gets the numbers", async () => {
    const lag = await (
      await adminOf('gateway')
    ).consumerGroupLag(t.kafka.groups.projector, history);
    expect(lag).toHaveLength(t.kafka.topics.orderEvents.partitions);
  });

  it('given its principal, when it tries to read the history, then it is refused', async () => {
    // It may look the group up (DESCRIBE, for the lag), so the refusal is the broker's own.
    expect(await joinAs('gateway', t.kafka.groups.projector)).toMatch(
      /GROUP_AUTHORIZATION_FAILED|not authorized/i,
    );
  });
});

/**
 * ### The whole Kafka path with least privilege: every service as its own principal
 *
 * The real bridge, projector and rebuilder processes, each with only its Kafka principal
 * and (projector, rebuilder) its own Postgres role from `setUpDatabaseRoles`: an order
 * event goes JetStream → Kafka → the read model, and a blue-green rebuild replays it.
 */
describe('the services under their principals', () => {
  // A namespace of its own: the real projector commits in its group, which the tests above
  // read from the start; set up as a second namespace on the same cluster would be.
  const servicesNamespace = uniqueNamespace('aclsvc');
  const s = topology(servicesNamespace);
  const superuser = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  const roles = {
    projector: `${servicesNamespace}_projector`,
    rebuilder: `${servicesNamespace}_rebuilder`,
  };
  const services: ServiceProcess[] = [];
  const schema = ident(s.postgres.schema);

  /** The suite's Postgres URL, logged in as `role` (local logins are `trust`). */
  const databaseUrl = (role: string) => {
    const url = new URL(testEnv.DATABASE_URL);
    url.username = role;
    url.password = '';
    return url.toString();
  };
  const envOf = (principal: string, role?: string) => ({
    SWITCHYARD_NAMESPACE: servicesNamespace,
    KAFKA_BROKERS: broker.brokers.join(','),
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD_FILE: broker.passwordFile(principal),
    ...(role && { DATABASE_URL: databaseUrl(role) }),
  });

  beforeAll(async () => {
    await applyKafkaSetup(client('admin'), s);
    const pg = await superuser.connect();
    try {
      await setUpDatabaseRoles(pg, {
        schema: s.postgres.schema,
        projector: { name: roles.projector },
        rebuilder: { name: roles.rebuilder },
      });
    } finally {
      pg.release();
    }
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await cleanupNamespace(servicesNamespace);
    await superuser.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    for (const role of Object.values(roles)) {
      await superuser.query(`DROP OWNED BY ${ident(role)}`).catch(() => undefined);
      await superuser.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    }
    await superuser.end();
  });

  it('given only their rights, when an order event arrives, then it is forwarded, projected and rebuilt', async () => {
    services.push(await startService({ app: 'bridge', env: envOf('bridge') }));
    services.push(
      await startService({ app: 'projector', env: envOf('projector', roles.projector) }),
    );

    const nc = await connectNats({ settings: testEnv, name: 'acl-test' });
    const orderId = randomUUID();
    const event = anOrderPlaced({ aggregateId: orderId });
    try {
      await jetstream(nc).publish(s.nats.subjects.orderEvents(orderId), JSON.stringify(event), {
        msgID: event.eventId,
        headers: toNatsHeaders(envelopeHeaders(event)),
      });
    } finally {
      await nc.close();
    }
    const projected = () =>
      superuser
        .query<{ status: string }>(`SELECT status FROM ${schema}.orders WHERE order_id = $1`, [
          orderId,
        ])
        .then(({ rows }) => rows[0]?.status);
    expect(await waitFor('the order in the read model', projected)).toBe('PLACED');

    const rebuild = await runScript(
      'apps/rebuilder/dist/main.js',
      ['orders'],
      envOf('rebuilder', roles.rebuilder),
    );
    expect({ code: rebuild.code, output: rebuild.code === 0 ? '' : rebuild.output }).toEqual({
      code: 0,
      output: '',
    });
    const { rows } = await superuser.query<{ active_version: number }>(
      `SELECT active_version FROM ${schema}.projections`,
    );
    expect(rows[0]?.active_version).toBe(2);
    expect(await projected()).toBe('PLACED');

    // No password in any log line of the three services.
    const passwords = ['bridge', 'projector', 'rebuilder'].map((principal) =>
      readFileSync(broker.passwordFile(principal), 'utf8'),
    );
    const logs = [...services.flatMap((service) => service.lines()), rebuild.output].join('\n');
    expect(passwords.filter((password) => logs.includes(password))).toEqual([]);
  });
});
