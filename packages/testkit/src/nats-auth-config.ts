import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  catalog,
  NATS_USERS,
  natsPermissions,
  topology,
  type NatsUser,
} from '@switchyard/contracts';
import {
  clientEnvOf,
  newNkeyUser,
  nkeyVariableOf,
  renderAuthorization,
} from '@switchyard/messaging';
import { repoRoot } from './service-process';

/** Certificates (PEM file paths) for the server's `tls {}` block. */
export interface AuthNatsTls {
  cert: string;
  key: string;
  /** The CA that signs client certificates; needed with `verify`. */
  ca?: string;
  /** Mutual TLS: a client without a certificate from `ca` is refused. */
  verify?: boolean;
}

/**
 * ### Switchyard's NATS authorization for one namespace, written where a test's server reads it.
 *
 * `infra/nats/nats-server.conf` as committed (plus a `tls {}` block if asked), beside an
 * `auth.conf` rendered by the same `renderAuthorization(natsPermissions(…))` that generates
 * the committed one, for the namespace (the names differ, the rules do not), and a fresh
 * NKey per user: the server gets the public keys in its environment (`serverEnv`), each
 * process its own seed (`credentialsOf`). Used by `AuthNats` (tests/security, the e2e tier)
 * and by the drills' restartable server (`NatsServerProcess` with `-c configFile`).
 */
export class NatsAuthConfig {
  private constructor(
    /** Pass as `-c` to nats-server. */
    readonly configFile: string,
    /** The users' public keys, as the config reads them from the environment. */
    readonly serverEnv: Readonly<Record<string, string>>,
    private readonly seeds: ReadonlyMap<NatsUser, string>,
  ) {}

  static write(namespace: string, dir: string, tls?: AuthNatsTls): NatsAuthConfig {
    mkdirSync(dir, { recursive: true });
    const names = topology(namespace);
    const config = readFileSync(join(repoRoot, 'infra', 'nats', 'nats-server.conf'), 'utf8');
    const configFile = join(dir, 'nats-server.conf');
    writeFileSync(configFile, config + tlsBlock(tls));
    writeFileSync(
      join(dir, 'auth.conf'),
      renderAuthorization(natsPermissions(names, catalog(names))),
    );
    const seeds = new Map<NatsUser, string>();
    const serverEnv: Record<string, string> = {};
    for (const user of NATS_USERS) {
      const { seed, publicKey } = newNkeyUser();
      seeds.set(user, seed);
      serverEnv[nkeyVariableOf(user)] = publicKey;
    }
    return new NatsAuthConfig(configFile, serverEnv, seeds);
  }

  /** What a process needs to be `user` (its seed, its inbox prefix), without the URL. */
  credentialsOf(user: NatsUser): Record<string, string> {
    const seed = this.seeds.get(user);
    if (!seed) throw new Error(`no seed for ${user}`);
    return clientEnvOf(user, seed);
  }
}

/**
 * The `tls {}` block appended to the committed config: the same file with TLS on top, as an
 * operator would add it (infra/nats/README.md). Quoted paths: they contain `/` and `-`.
 */
function tlsBlock(tls: AuthNatsTls | undefined): string {
  if (!tls) return '';
  const lines = [
    `  cert_file: ${JSON.stringify(tls.cert)}`,
    `  key_file: ${JSON.stringify(tls.key)}`,
  ];
  if (tls.ca) lines.push(`  ca_file: ${JSON.stringify(tls.ca)}`);
  if (tls.verify) lines.push('  verify: true');
  return `\ntls {\n${lines.join('\n')}\n}\n`;
}

/** The NATS user a Switchyard app connects as: its own name (`orders-a` is an instance of `orders`: pass the app). */
export function natsUserOf(app: string): NatsUser {
  const user = NATS_USERS.find((candidate) => candidate === app);
  if (!user) throw new Error(`no NATS user for app '${app}'`);
  return user;
}
