import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, waitFor } from '@switchyard/testkit';
import { freePort, portAnswers } from './free-port';

/**
 * ### A nats-server the drills own.
 *
 * The drills restart NATS under load; doing that to the shared server on :4222 would
 * break every other suite running beside them. So the tier spawns its own, with
 * JetStream on a free port and a store dir of its own, and restarts it on the *same*
 * port and store dir: streams, consumers and KV buckets must survive the restart,
 * exactly as they would in production.
 */
export class DrillNats {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
    private readonly logDir: string,
  ) {}

  static async start(storeDir: string, logDir: string): Promise<DrillNats> {
    mkdirSync(storeDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    const nats = new DrillNats(await freePort(), storeDir, logDir);
    await nats.up();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn(
      'nats-server',
      ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir],
      // The allow-listed environment (ADR 0027), like every process a test starts.
      { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv({}) },
    );
    const log = createWriteStream(join(this.logDir, `drill-nats-${child.pid}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.child = child;
    await waitFor(`the drill's nats-server on :${this.port}`, () => portAnswers(this.port), {
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

  /** Starts it again if a drill that failed half-way left it down (a no-op otherwise). */
  async ensureUp(): Promise<void> {
    if (!this.child) await this.up();
  }

  async restart(): Promise<void> {
    await this.down();
    await this.up();
  }
}
