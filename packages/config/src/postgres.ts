import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * ### The database, for the services that have one (the projector and the rebuilder)
 *
 * Not in `CommonEnvSchema`: a service without a read model gets no `DATABASE_URL` at all.
 * Each service logs in as its own role (ADR 0035), so the local default names that role;
 * `npm run rebuild -- setup-database` (the superuser's one step, run by `npm run demo`)
 * creates it. Put a password in the URL through the environment, never in the repo.
 */
export function postgresEnvSchema(role: string) {
  return z.object({
    DATABASE_URL: z.string().default(`postgres://${role}@127.0.0.1:5432/switchyard`),
  });
}

/** The roles' names: cluster-wide in Postgres, the same for every service that shares one. */
export const PROJECTOR_DATABASE_ROLE = 'switchyard_projector';
export const REBUILDER_DATABASE_ROLE = 'switchyard_rebuilder';

/**
 * What `setup-database` reads: a superuser's URL (used for nothing else) and, where the
 * server checks passwords, each role's password, from a variable or a secret file.
 */
export const DatabaseSetupEnvSchema = z.object({
  DATABASE_SETUP_URL: z.string().default('postgres://postgres@127.0.0.1:5432/switchyard'),
  POSTGRES_PROJECTOR_PASSWORD: z.string().min(1).optional(),
  POSTGRES_PROJECTOR_PASSWORD_FILE: z.string().min(1).optional(),
  POSTGRES_REBUILDER_PASSWORD: z.string().min(1).optional(),
  POSTGRES_REBUILDER_PASSWORD_FILE: z.string().min(1).optional(),
});

export type DatabaseSetupEnv = z.infer<typeof DatabaseSetupEnvSchema>;

/** Each role's password (file first), or undefined: no password (trust/peer logins only). */
export function databaseRolePasswords(env: DatabaseSetupEnv): {
  projector?: string;
  rebuilder?: string;
} {
  const problems: string[] = [];
  const read = (variable: string, path: string | undefined, value: string | undefined) => {
    if (path === undefined) return value;
    try {
      return readFileSync(path, 'utf8').trim() || undefined;
    } catch (error) {
      problems.push(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  };
  const passwords = {
    projector: read(
      'POSTGRES_PROJECTOR_PASSWORD_FILE',
      env.POSTGRES_PROJECTOR_PASSWORD_FILE,
      env.POSTGRES_PROJECTOR_PASSWORD,
    ),
    rebuilder: read(
      'POSTGRES_REBUILDER_PASSWORD_FILE',
      env.POSTGRES_REBUILDER_PASSWORD_FILE,
      env.POSTGRES_REBUILDER_PASSWORD,
    ),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return passwords;
}
