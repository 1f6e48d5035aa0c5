import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, waitFor } from '@switchyard/testkit';

/** A TCP port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Connz {
  connections: { name?: string; subscriptions_list?: string[] }[];
}

/**
 * ### A nats-server of the test's own, with its monitoring port on
 *
 * The shared server on :4222 has no monitoring endpoint, and it is the server itself
 * that can say how many subscriptions the gateway holds (`/connz?subs=1`): not a figure
 * the gateway reports about itself. No JetStream: the gateway's live feed is core NATS.
 */
export class MonitoredNats {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly monitorPort: number,
    private readonly storeDir: string,
  ) {}

  static async start(): Promise<MonitoredNats> {
    const [port, monitorPort] = [await freePort(), await freePort()];
    const storeDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-nats-'));
    const child = spawn(
      'nats-server',
      ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)],
      { stdio: 'ignore', env: childEnv({}) },
    );
    const nats = new MonitoredNats(child, port, monitorPort, storeDir);
    await waitFor(`nats-server on :${port}`, async () => (await nats.connz()).connections);
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** How many subscriptions on exactly `subject` the connections named `name` hold. */
  async subscriptions(name: string, subject: string): Promise<number> {
    const { connections } = await this.connz();
    return connections
      .filter((connection) => connection.name === name)
      .flatMap((connection) => connection.subscriptions_list ?? [])
      .filter((subscribed) => subscribed === subject).length;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async connz(): Promise<Connz> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPort}/connz?subs=1&limit=1024`);
    return (await response.json()) as Connz;
  }
}
