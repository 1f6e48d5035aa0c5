import { topology } from '@switchyard/contracts';
import { testEnv, uniqueNamespace } from '@switchyard/testkit';
import { Pool, type PoolClient } from 'pg';
import { setUpDatabaseRoles } from './database-roles';
import { ProjectionStore } from './projection-store';
import { ident, ordersTable } from './sql';

/**
 * ### Each service's Postgres role can do its job, and nothing else
 *
 * The set-up runs as the superuser of the suite's Postgres (testEnv.DATABASE_URL); then
 * every check logs in as the role itself. Roles and schemas are unique to this run.
 */
const ns = uniqueNamespace('pg');
const schema = topology(ns).postgres.schema;
const roles = {
  projector: `${ns}_projector`,
  rebuilder: `${ns}_rebuilder`,
  nobody: `${ns}_nobody`,
};
const store = new ProjectionStore(schema);
const INSUFFICIENT_PRIVILEGE = '42501';

const superuser = new Pool({ connectionString: testEnv.DATABASE_URL, max: 2 });
/** Every schema this file set up, dropped at the end. */
const schemas = [schema];

/** The set-up step on `name`, as the superuser, for this run's roles. */
async function setUp(name: string): Promise<void> {
  const client = await superuser.connect();
  try {
    await setUpDatabaseRoles(client, {
      schema: name,
      projector: { name: roles.projector },
      rebuilder: { name: roles.rebuilder },
    });
  } finally {
    client.release();
  }
}
const pools = new Map<string, Pool>();

/** A connection as `role`: the suite's URL with another user (local logins are `trust`). */
async function as<T>(role: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let pool = pools.get(role);
  if (!pool) {
    const url = new URL(testEnv.DATABASE_URL);
    url.username = role;
    url.password = '';
    pool = new Pool({ connectionString: url.toString(), max: 1 });
    pools.set(role, pool);
  }
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}

const refused = (work: (client: PoolClient) => Promise<unknown>, role: string) =>
  expect(as(role, work)).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });

beforeAll(async () => {
  await superuser.query(`CREATE ROLE ${ident(roles.nobody)} LOGIN`);
  await setUp(schema);
});

afterAll(async () => {
  await Promise.all([...pools.values()].map((pool) => pool.end()));
  const client = await superuser.connect();
  try {
    for (const name of [...schemas, `${schema}_other`])
      await client.query(`DROP SCHEMA IF EXISTS ${ident(name)} CASCADE`);
    for (const role of Object.values(roles)) {
      await client.query(`DROP OWNED BY ${ident(role)}`).catch(() => undefined);
      await client.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    }
  } finally {
    client.release();
  }
  await superuser.end();
});

describe('the projector role', () => {
  it('given the set-up, when the projector starts, then it finds the schema ready without any DDL', async () => {
    await as(roles.projector, async (client) => {
      await store.initialize(client);
      expect(await store.activeVersion(client)).toEqual({ active: 1, previous: null });
    });
  });

  it('given its role, when it applies a batch, then rows and checkpoint are written', async () => {
    await as(roles.projector, async (client) => {
      await client.query(
        `INSERT INTO ${ordersTable(schema, 1)} VALUES (gen_random_uuid(), 'c-1', 'eu-west', '[]', 'PLACED', now(), 1, gen_random_uuid())`,
      );
      await store.saveCheckpoint(client, 1, 'topic', 0, 5n);
      expect(await store.checkpoint(client, 1, 'topic', 0)).toBe(5n);
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${ident(schema)}.orders`);
      expect(rows[0].n).toBe(1);
    });
  });

  it('given its role, when it tries DDL, then every statement is refused', async () => {
    await refused((c) => c.query(`CREATE TABLE ${ident(schema)}.extra (id int)`), roles.projector);
    await refused((c) => c.query(`DROP TABLE ${ordersTable(schema, 1)}`), roles.projector);
    await refused(
      (c) => c.query(`CREATE OR REPLACE VIEW ${ident(schema)}.orders AS SELECT 1 AS x`),
      roles.projector,
    );
    await refused((c) => c.query(`TRUNCATE ${ordersTable(schema, 1)}`), roles.projector);
  });

  it('given another schema, when the projector reads it, then it is refused', async () => {
    const other = ident(`${schema}_other`);
    await superuser.query(`CREATE SCHEMA ${other}`);
    await superuser.query(`CREATE TABLE ${other}.secrets (v text)`);
    await refused((c) => c.query(`SELECT * FROM ${other}.secrets`), roles.projector);
    await refused((c) => c.query(`CREATE TABLE public.${ident(ns)} (id int)`), roles.projector);
  });
});

describe('the rebuilder role', () => {
  it('given its role, when it rebuilds blue-green, then it creates, swaps and drops versions, and the projector writes the new one', async () => {
    // A schema of its own: the swaps below drop version 1, which the projector's tests use.
    const rebuilt = topology(uniqueNamespace('pgreb')).postgres.schema;
    schemas.push(rebuilt);
    await setUp(rebuilt);
    const rebuiltStore = new ProjectionStore(rebuilt);
    await as(roles.rebuilder, async (client) => {
      await rebuiltStore.initialize(client);
      await rebuiltStore.createVersion(client, 2);
      await rebuiltStore.activate(client, 2);
      await rebuiltStore.createVersion(client, 3);
      await rebuiltStore.activate(client, 3);
      // The swap to v3 dropped v1 (older than the previous version): only an owner may.
      expect(await rebuiltStore.versions(client)).toEqual([2, 3]);
    });
    await as(roles.projector, async (client) => {
      await rebuiltStore.saveCheckpoint(client, 3, 'topic', 0, 1n);
      await client.query(
        `INSERT INTO ${ordersTable(rebuilt, 3)} VALUES (gen_random_uuid(), 'c-2', 'eu-west', '[]', 'PLACED', now(), 1, gen_random_uuid())`,
      );
    });
  });
});

describe('a role without grants', () => {
  it('given a login role with no grant, when it reads the read model, then it is refused', async () => {
    await refused((c) => c.query(`SELECT * FROM ${ident(schema)}.orders`), roles.nobody);
  });
});

describe('an existing installation', () => {
  it('given a schema a superuser created earlier, when set up, then the rebuilder owns it and can drop a version', async () => {
    const old = topology(uniqueNamespace('pgold')).postgres.schema;
    schemas.push(old);
    const oldStore = new ProjectionStore(old);
    const client = await superuser.connect();
    try {
      await oldStore.initialize(client);
      await oldStore.createVersion(client, 2);
    } finally {
      client.release();
    }
    await setUp(old);
    await as(roles.rebuilder, (c) => oldStore.dropVersion(c, 2));
    await as(roles.projector, (c) => oldStore.saveCheckpoint(c, 1, 'topic', 0, 1n));
  });
});
