import type { PoolClient } from 'pg';
import { ProjectionStore } from './projection-store';
import { ident } from './sql';

/** A login role and, where the server checks one, its password. */
export interface DatabaseRole {
  name: string;
  /** Left out: the role gets no password (only `trust`/`peer` logins, as on a laptop). */
  password?: string;
}

export interface DatabaseRolesOptions {
  /** The read models' schema (contracts' `topology().postgres.schema`). */
  schema: string;
  /** Reads and writes rows; no DDL (it cannot create, alter or drop anything). */
  projector: DatabaseRole;
  /** Owns the schema: creates the next version's tables, swaps the view, drops old ones. */
  rebuilder: DatabaseRole;
}

/**
 * ### Least privilege in Postgres: the set-up step, the only thing run as a superuser
 *
 * - Each service that needs the database logs in as its own role; every other service
 *   has no `DATABASE_URL` at all.
 * - The **rebuilder owns the schema**: a blue-green rebuild creates `orders_v<N+1>`, swaps
 *   the `orders` view and drops old versions, which only an owner may do.
 * - The **projector** may only read and write rows of the schema's tables (granted now,
 *   and by default privileges on every table the rebuilder creates later); it cannot
 *   create, alter or drop a table, nor use any other schema.
 * - Run again, it changes nothing, sets the passwords again (rotation: change the
 *   variable, run it, restart the service), and hands over objects a superuser created
 *   before (an older version of Switchyard ran everything as `postgres`).
 *
 * Runs in one transaction on a superuser's connection; roles are cluster-wide, so their
 * names must be the same for every database of the cluster that uses them.
 */
export async function setUpDatabaseRoles(
  client: PoolClient,
  { schema, projector, rebuilder }: DatabaseRolesOptions,
): Promise<void> {
  const s = ident(schema);
  await client.query('BEGIN');
  try {
    // Roles are created by one set-up at a time (CREATE ROLE has no IF NOT EXISTS).
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['switchyard-roles']);
    for (const role of [projector, rebuilder]) {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
      const password =
        role.password === undefined
          ? 'PASSWORD NULL'
          : `PASSWORD ${client.escapeLiteral(role.password)}`;
      // NOSUPERUSER etc. are the defaults, written out so that a role created by hand with
      // more rights is brought back to these.
      await client.query(
        `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${ident(role.name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS ${password}`,
      );
      await client.query(
        `GRANT CONNECT ON DATABASE ${ident(await currentDatabase(client))} TO ${ident(role.name)}`,
      );
    }
    const projectorRole = ident(projector.name);
    const rebuilderRole = ident(rebuilder.name);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${rebuilderRole}`);
    await client.query(`ALTER SCHEMA ${s} OWNER TO ${rebuilderRole}`);
    // Tables and views a superuser made earlier: the rebuilder must own them to drop or
    // replace them (indexes follow their table).
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'p')
          AND pg_get_userbyid(c.relowner) <> $2`,
      [schema, rebuilder.name],
    );
    for (const { name } of rows)
      await client.query(`ALTER TABLE ${s}.${ident(name)} OWNER TO ${rebuilderRole}`);
    // The projector: rows only, on what exists and on whatever the rebuilder creates later.
    await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${projectorRole}`);
    await client.query(`REVOKE CREATE ON SCHEMA ${s} FROM ${projectorRole}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${projectorRole}`,
    );
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${rebuilderRole} IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${projectorRole}`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  // The tables themselves, made by their owner, so the projector finds them ready.
  await client.query(`SET ROLE ${ident(rebuilder.name)}`);
  try {
    await new ProjectionStore(schema).initialize(client);
  } finally {
    await client.query('RESET ROLE');
  }
}

async function currentDatabase(client: PoolClient): Promise<string> {
  const { rows } = await client.query<{ name: string }>('SELECT current_database() AS name');
  return rows[0]!.name;
}
