import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv } from './child-env';
import { freePort, portAnswers } from './free-port';
import { waitFor } from './wait-for';

/**
 * ### A nats-server a test owns: its own port, store dir and config.
 *
 * Tests that restart NATS, or need a config of their own (auth, limits), must not do it to
 * the shared server on :4222: every other suite running beside them would break. This
 * spawns one with JetStream on a free port and a store dir of its own, and restarts it on
 * the *same* port and store dir: streams, consumers and KV buckets must survive the
 * restart, exactly as they would in production.
 */
export class NatsServerProcess {
  private child: ChildProcess | undefined;
  private readonly logFiles: string[] = [];

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
    private readonly logDir: string,
    private readonly extraArgs: readonly string[],
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  /**
   * `extraArgs`: more nats-server flags, e.g. `['-c', configFile]`; `env`: what that config
   * reads from the environment (the users' public keys of a `NatsAuthConfig`).
   */
  static async start(
    storeDir: string,
    logDir: string,
    extraArgs: readonly string[] = [],
    env: Readonly<Record<string, string>> = {},
  ): Promise<NatsServerProcess> {
    mkdirSync(storeDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    const nats = new NatsServerProcess(await freePort(), storeDir, logDir, extraArgs, env);
    await nats.up();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn(
      'nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir, ...this.extraArgs],
      // The allow-listed environment (ADR 0027), like every process a test starts.
      { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv({ ...this.env }) },
    );
    const logFile = join(this.logDir, `nats-server-${child.pid}.log`);
    this.logFiles.push(logFile);
    const log = createWriteStream(logFile);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    await waitFor(`a nats-server on :${this.port}`, () => portAnswers(this.port), {
      timeoutMs: 20_000,
    });
  }

  /** SIGTERM (nats-server shuts down cleanly, flushing JetStream) and wait for the exit. */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }

  /** Starts it again if something left it down (a no-op otherwise). */
  async ensureUp(): Promise<void> {
    if (!this.child) await this.up();
  }

  /** "Permissions Violation" lines of every run of this server so far (with an auth config). */
  violations(): string[] {
    return this.violationsByRun().flat();
  }

  /**
   * The same, one list per run (the first before any restart): a restarted server refuses
   * replies to requests its previous run delivered (`splitViolations` says why).
   */
  violationsByRun(): string[][] {
    return this.logFiles.map((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.includes('Violation')),
    );
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }
}
