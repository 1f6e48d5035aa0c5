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
  ) {}

  static async start(namespace: string): Promise<AuthNats> {
    const parent = join(repoRoot, '.local', 'auth-nats');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, `${namespace}-`));
    const names = topology(namespace);
    copyFileSync(
      join(repoRoot, 'infra', 'nats', 'nats-server.conf'),
      join(dir, 'nats-server.conf'),
    );
    const auth = renderAuthorization(natsPermissions(names, catalog(names)));
    writeFileSync(join(dir, 'auth.conf'), auth);
    const serverEnv: Record<string, string> = {};
    const nats = new AuthNats(namespace, await freePort(), dir, join(dir, 'server.log'), undefined);
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

  /** The environment of a process connecting as `user`: URL, seed, inbox prefix. */
  envOf(user: NatsUser): Record<string, string> {
    return { NATS_URL: this.url, ...clientEnvOf(user, this.seedOf(user)) };
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
