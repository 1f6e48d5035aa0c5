import {
  databaseRolePasswords,
  DatabaseSetupEnvSchema,
  loadConfig,
  PROJECTOR_DATABASE_ROLE,
  REBUILDER_DATABASE_ROLE,
} from '@switchyard/config';
import { setUpDatabaseRoles } from '@switchyard/read-models';
import { Pool } from 'pg';
import { TOPOLOGY } from '../config';

/**
 * ### `rebuild setup-database`: the one step that runs as a Postgres superuser
 *
 * Creates (or updates) the projector's and the rebuilder's roles, gives the rebuilder the
 * read models' schema and the projector row rights in it, and creates the tables as the
 * rebuilder (package read-models' `setUpDatabaseRoles`, ADR 0035). It lives here because
 * the rebuilder owns that schema; its connection (`DATABASE_SETUP_URL`) is used for
 * nothing else. Run it before the services start, and again to set new passwords.
 */
export async function setupDatabase(): Promise<{ schema: string; roles: string[] }> {
  const env = loadConfig(DatabaseSetupEnvSchema);
  const passwords = databaseRolePasswords(env);
  const pool = new Pool({
    connectionString: env.DATABASE_SETUP_URL,
    application_name: 'rebuilder-setup',
    max: 1,
  });
  const client = await pool.connect();
  try {
    const schema = TOPOLOGY.postgres.schema;
    await setUpDatabaseRoles(client, {
      schema,
      projector: { name: PROJECTOR_DATABASE_ROLE, password: passwords.projector },
      rebuilder: { name: REBUILDER_DATABASE_ROLE, password: passwords.rebuilder },
    });
    return { schema, roles: [PROJECTOR_DATABASE_ROLE, REBUILDER_DATABASE_ROLE] };
  } finally {
    client.release();
    await pool.end();
  }
}
