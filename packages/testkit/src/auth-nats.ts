import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import type { NatsUser } from '@switchyard/contracts';
import type { NatsSettings } from '@switchyard/messaging';
import { childEnv } from './child-env';
import { freePort } from './free-port';
import { NatsAuthConfig, type AuthNatsTls } from './nats-auth-config';
import { repoRoot } from './service-process';
import { waitFor } from './wait-for';

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
 * this one instead, with the project's config for the suite's namespace and a fresh NKey
 * per user (`NatsAuthConfig`). Its own port, store dir and log (the log is how a test sees
 * a "Permissions Violation" the client was not told about).
 */
export class AuthNats {
  private constructor(
    readonly namespace: string,
    readonly port: number,
    private readonly dir: string,
    private readonly logFile: string,
    private child: ChildProcess | undefined,
    private readonly config: NatsAuthConfig,
    private readonly clientTls: Record<string, string | undefined>,
  ) {}

  static async start(namespace: string, options: AuthNatsOptions = {}): Promise<AuthNats> {
    const parent = join(repoRoot, '.local', 'auth-nats');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, `${namespace}-`));
    const config = NatsAuthConfig.write(namespace, dir, options.tls);
    const nats = new AuthNats(
      namespace,
      await freePort(),
      dir,
      join(dir, 'server.log'),
      undefined,
      config,
      options.clientTls ?? {},
    );
    await nats.up(config.serverEnv);
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
      ...this.config.credentialsOf(user),
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

  private async up(serverEnv: Readonly<Record<string, string>>): Promise<void> {
    const child = spawn(
      'nats-server',
      ['-c', this.config.configFile, '-a', '127.0.0.1', '-p', String(this.port)].concat([
        '-sd',
        join(this.dir, 'store'),
      ]),
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
