import { jetstreamManager } from '@nats-io/jetstream';
import { topology } from '@switchyard/contracts';
import { connectNats, createKafka, KafkaAdmin } from '@switchyard/messaging';
import { Client } from 'pg';
import { testEnv } from './environment';

const quiet = { log() {}, warn() {}, error() {} };

/**
 * Removes everything a test namespace created: its JetStream streams (and so their
 * consumers), its Kafka topics and its Postgres schema. Call it in `afterAll`.
 */
export async function cleanupNamespace(namespace: string): Promise<void> {
  const names = topology(namespace);
  const nc = await connectNats({ settings: testEnv, name: 'test-cleanup' });
  try {
    const jsm = await jetstreamManager(nc);
    for (const stream of Object.values(names.nats.streams)) {
      await jsm.streams.delete(stream.name).catch(() => false);
    }
    // A KV bucket is a stream named KV_<bucket>.
    for (const bucket of Object.values(names.nats.kv)) {
      await jsm.streams.delete(`KV_${bucket.name}`).catch(() => false);
    }
  } finally {
    await nc.close();
  }
  const admin = new KafkaAdmin(
    createKafka({ clientId: 'test-cleanup', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
  );
  await admin.connect();
  try {
    await admin.deleteTopics(Object.values(names.kafka.topics).map((topic) => topic.name));
  } finally {
    await admin.disconnect();
  }
  const pg = new Client({ connectionString: testEnv.DATABASE_URL });
  await pg.connect();
  try {
    await pg.query(`DROP SCHEMA IF EXISTS "${names.postgres.schema}" CASCADE`);
  } finally {
    await pg.end();
  }
}
