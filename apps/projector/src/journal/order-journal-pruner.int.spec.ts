import { envelopeHeaders, topology } from '@switchyard/contracts';
import {
  findOrderJournal,
  orderJournalTable,
  PartitionApplier,
  ProjectionStore,
} from '@switchyard/read-models';
import {
  anOrderPlaced,
  cleanupNamespace,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { Pool } from 'pg';

/**
 * The projector keeps its order journal to ORDER_JOURNAL_RETENTION_HOURS: rows older than
 * that are gone soon after it starts, newer ones stay (ADR 0046, "the journal is pruned").
 */
describe('OrderJournalPruner in the projector', () => {
  const namespace = uniqueNamespace('journalage');
  const store = new ProjectionStore(topology(namespace).postgres.schema);
  const pool = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
  let projector: ServiceProcess | undefined;

  afterAll(async () => {
    await projector?.stop();
    await pool.end();
    await cleanupNamespace(namespace);
  });

  it('given journal rows of eight days ago and of now, when the projector runs with a retention of 1 h, then the old rows are pruned and the new ones kept', async () => {
    const client = await pool.connect();
    try {
      await store.initialize(client);
    } finally {
      client.release();
    }
    const old = anOrderPlaced();
    const recent = anOrderPlaced();
    const applier = new PartitionApplier({
      pool,
      store,
      target: { kind: 'live' },
      deadLetter: async () => undefined,
    });
    await applier.apply(
      [old, recent].map((event, offset) => ({
        topic: 'orders',
        partition: 0,
        offset: String(offset),
        key: event.aggregateId,
        value: Buffer.from(JSON.stringify(event)),
        headers: envelopeHeaders(event),
        timestamp: String(Date.parse(event.occurredAt)),
      })),
    );
    await pool.query(
      `UPDATE ${orderJournalTable(store.schema)} SET projected_at = now() - interval '8 days'
       WHERE order_id = $1`,
      [old.aggregateId],
    );
    expect(await findOrderJournal(pool, store.schema, old.aggregateId)).toHaveLength(1);

    projector = await startService({
      app: 'projector',
      env: { SWITCHYARD_NAMESPACE: namespace, ORDER_JOURNAL_RETENTION_HOURS: '1' },
    });

    await waitFor('the old journal row to be pruned', async () => {
      return (await findOrderJournal(pool, store.schema, old.aggregateId)).length === 0;
    });
    expect(await findOrderJournal(pool, store.schema, recent.aggregateId)).toHaveLength(1);
  });
});
