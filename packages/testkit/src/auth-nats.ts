import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
  type NatsSettings,
} from '@switchyard/messaging';
import { childEnv } from './child-env';
import { freePort } from './free-port';
import { repoRoot } from './service-process';
import { waitFor } from './wait-for';

/** Certificates (PEM file paths) for the server's `tls {}` block. */
export interface AuthNatsTls {
  cert: string;
  key: string;
  /** The CA that signs client certificates; needed with `verify`. */
  ca?: string;
  /** Mutual TLS: a client without a certificate from `ca` is refused. */
  verify?: boolean;
}

export interface AuthNatsOptions {
  /** Serve TLS only (nats-server then refuses plain connections), as production should. */
  tls?: AuthNatsTls;
  /** What every user's client is given to trust the server (and prove itself, with `verify`). */
  clientTls?: Pick<NatsSettings, 'NATS_TLS_CA' | 'NATS_TLS_CERT' | 'NATS_TLS_KEY'>;
}

/**
 * ### A nats-server with Switchyard's authorization, for one test namespace.
 *
 * The machine's NATS on :4222 has no users. A suite that proves the permissions starts
 * this one instead: `infra/nats/nats-server.conf` as committed, beside an `auth.conf`
 * rendered by the same `renderAuthorization(natsPermissions(…))` that generates the
 * committed one, for the suite's namespace (the names differ, the rules do not), and a
 * fresh NKey per user. Its own port, store dir and log (the log is how a test sees a
 * "Permissions Violation" the client was not told about).
 */
export class AuthNats {
  private readonly seeds = new Map<NatsUser, string>();

  private constructor(
    readonly namespace: string,
    readonly port: number,
    private readonly dir: string,
    private readonly logFile: string,
    private child: ChildProcess | undefined,
    private readonly clientTls: Record<string, string | undefined>,
  ) {}

  static async start(namespace: string, options: AuthNatsOptions = {}): Promise<AuthNats> {
    const parent = join(repoRoot, '.local', 'auth-nats');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, `${namespace}-`));
    const names = topology(namespace);
    const config = readFileSync(join(repoRoot, 'infra', 'nats', 'nats-server.conf'), 'utf8');
    writeFileSync(join(dir, 'nats-server.conf'), config + tlsBlock(options.tls));
    const auth = renderAuthorization(natsPermissions(names, catalog(names)));
    writeFileSync(join(dir, 'auth.conf'), auth);
    const serverEnv: Record<string, string> = {};
    const nats = new AuthNats(
      namespace,
      await freePort(),
      dir,
      join(dir, 'server.log'),
      undefined,
      options.clientTls ?? {},
    );
    for (const user of NATS_USERS) {
      const { seed, publicKey } = newNkeyUser();
      nats.seeds.set(user, seed);
      serverEnv[nkeyVariableOf(user)] = publicKey;
    }
    await nats.up(serverEnv);
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The environment of a process connecting as `user`: URL, seed, inbox prefix (and TLS files). */
  envOf(user: NatsUser): Record<string, string> {
    const tls = Object.entries(this.clientTls).filter(([, value]) => value !== undefined);
    return {
      NATS_URL: this.url,
      ...clientEnvOf(user, this.seedOf(user)),
      ...(Object.fromEntries(tls) as Record<string, string>),
    };
  }

  /** `connectNats` settings for `user` (in the test process itself). */
  settingsOf(user: NatsUser): NatsSettings {
    return this.envOf(user) as unknown as NatsSettings;
  }

  /** The server's "Publish Violation" / "Subscription Violation" log lines so far. */
  violations(): string[] {
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('Violation'));
  }

  /** Stops the server (SIGTERM, waits) and deletes its directory, the log kept in test-artifacts. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const artifacts = join(repoRoot, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    copyFileSync(this.logFile, join(artifacts, `auth-nats-${this.namespace}.log`));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Where the server writes its log: a refused TLS handshake shows up there only. */
  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  private seedOf(user: NatsUser): string {
    const seed = this.seeds.get(user);
    if (!seed) throw new Error(`no seed for ${user}`);
    return seed;
  }

  private async up(serverEnv: Record<string, string>): Promise<void> {
    const child = spawn(
      'nats-server',
      ['-c', join(this.dir, 'nats-server.conf'), '-a', '127.0.0.1', '-p', String(this.port)].concat(
        ['-sd', join(this.dir, 'store')],
      ),
      // The allow-listed environment (ADR 0027) plus the users' public keys.
      { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(serverEnv) },
    );
    const log = createWriteStream(this.logFile);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    await waitFor(`the auth nats-server on :${this.port}`, () => {
      if (child.exitCode !== null) throw new Error(`nats-server exited ${child.exitCode}`);
      return readFileSync(this.logFile, 'utf8').includes('Server is ready');
    });
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
