import { envelopeHeaders, topology } from '@switchyard/contracts';
import { createKafka, EventProducer, KafkaAdmin } from '@switchyard/messaging';
import { anOrderPlaced, runScript, testEnv, type ScriptRun } from '@switchyard/testkit';
import type { Pool } from 'pg';

const quiet = { log() {}, warn() {}, error() {} };

/** Runs the built rebuilder CLI as a process, the way an operator does. */
export function runCli(args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return runScript('apps/rebuilder/dist/main.js', args, { LOG_LEVEL: 'warn', ...env });
}

/** Produces `count` valid OrderPlaced events to the namespace's topic; returns the order ids. */
export async function produceOrders(namespace: string, count: number): Promise<string[]> {
  const topic = topology(namespace).kafka.topics.orderEvents;
  const kafka = createKafka({
    clientId: 'test-seed',
    brokers: testEnv.KAFKA_BROKERS,
    logger: quiet,
  });
  const admin = new KafkaAdmin(kafka);
  const producer = new EventProducer(kafka);
  await admin.connect();
  await producer.connect();
  try {
    await admin.ensureTopics([topic]);
    const events = Array.from({ length: count }, () => anOrderPlaced());
    await producer.send(
      topic.name,
      events.map((event) => ({
        key: event.aggregateId,
        value: JSON.stringify(event),
        headers: envelopeHeaders(event),
      })),
    );
    return events.map((event) => event.aggregateId);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

export interface Registry {
  active: number;
  previous: number | null;
}

export async function registry(pool: Pool, namespace: string): Promise<Registry> {
  const schema = topology(namespace).postgres.schema;
  const { rows } = await pool.query<{ active_version: number; previous_version: number | null }>(
    `SELECT active_version, previous_version FROM "${schema}".projections WHERE name = 'orders'`,
  );
  return { active: rows[0]!.active_version, previous: rows[0]!.previous_version };
}

/** Rows readers see right now (through the `orders` view), or `undefined` before it exists. */
export async function visibleOrders(pool: Pool, namespace: string): Promise<number | undefined> {
  const schema = topology(namespace).postgres.schema;
  try {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".orders`,
    );
    return rows[0]!.n;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return undefined; // not created yet
    throw error;
  }
}

export async function versionTables(pool: Pool, namespace: string): Promise<number[]> {
  const { rows } = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = $1 AND table_name ~ '^orders_v[0-9]+$' ORDER BY table_name`,
    [topology(namespace).postgres.schema],
  );
  return rows.map((row) => Number(row.table_name.slice('orders_v'.length)));
}
