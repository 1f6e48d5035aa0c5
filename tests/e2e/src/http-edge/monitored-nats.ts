import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NatsServerProcess, repoRoot } from '@switchyard/testkit';

interface Connz {
  connections: { name?: string; subscriptions_list?: string[] }[];
}

/**
 * ### A nats-server of the test's own, with its monitoring port on
 *
 * The shared server on :4222 has no monitoring endpoint, and it is the server itself
 * that can say how many subscriptions the gateway holds (`/connz?subs=1`): not a figure
 * the gateway reports about itself.
 */
export class MonitoredNats {
  private constructor(
    private readonly server: NatsServerProcess,
    private readonly monitorPort: number,
    private readonly storeDir: string,
  ) {}

  static async start(): Promise<MonitoredNats> {
    const monitorPort = await freePort();
    const storeDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-nats-'));
    const server = await NatsServerProcess.start(storeDir, join(repoRoot, 'test-artifacts'), [
      '-m',
      String(monitorPort),
    ]);
    return new MonitoredNats(server, monitorPort, storeDir);
  }

  get url(): string {
    return this.server.url;
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
    await this.server.down();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  private async connz(): Promise<Connz> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPort}/connz?subs=1&limit=1024`);
    return (await response.json()) as Connz;
  }
}
