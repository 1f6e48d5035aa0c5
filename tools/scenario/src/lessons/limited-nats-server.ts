import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NatsServerProcess } from '@switchyard/testkit';

export interface SlowConsumerLimits {
  /** Bytes the server buffers for one client before it calls it a slow consumer. */
  maxPendingBytes: number;
  /** How long one write to a client may block before the same verdict. */
  writeDeadlineMs: number;
}

/** What the server's monitoring endpoint says about a connection it closed. */
export interface ClosedConnection {
  name?: string;
  reason?: string;
}

/**
 * ### A nats-server of the lesson's own, with small slow-consumer limits.
 *
 * A slow consumer is a server verdict, configured per server (`max_pending`,
 * `write_deadline`): changing them on the shared server would change them for everyone.
 * So the lesson starts its own, on free ports (client and monitoring), in a temporary
 * directory, and removes it all at the end.
 */
export class LimitedNatsServer {
  private constructor(
    private readonly server: NatsServerProcess,
    private readonly monitorPort: number,
    private readonly dir: string,
  ) {}

  static async start(limits: SlowConsumerLimits): Promise<LimitedNatsServer> {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-lesson-nats-'));
    const monitorPort = await freePort();
    const config = join(dir, 'nats-server.conf');
    writeFileSync(
      config,
      [
        `max_pending: ${limits.maxPendingBytes}`,
        // The server refuses a max_payload above max_pending (default payload: 1 MiB).
        `max_payload: ${Math.min(limits.maxPendingBytes, 1024 * 1024)}`,
        `write_deadline: "${limits.writeDeadlineMs}ms"`,
        `http: "127.0.0.1:${monitorPort}"`,
      ].join('\n'),
    );
    try {
      const server = await NatsServerProcess.start(join(dir, 'store'), join(dir, 'logs'), [
        '-c',
        config,
      ]);
      return new LimitedNatsServer(server, monitorPort, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get url(): string {
    return this.server.url;
  }

  /** `/varz` `slow_consumers`: how many times this server cut a client off as too slow. */
  async slowConsumers(): Promise<number> {
    const varz = (await this.monitor('varz')) as { slow_consumers?: number };
    return varz.slow_consumers ?? 0;
  }

  /** `/connz?state=closed`: the connections the server closed, and why. */
  async closedConnections(): Promise<ClosedConnection[]> {
    const connz = (await this.monitor('connz?state=closed')) as {
      connections?: ClosedConnection[];
    };
    return connz.connections ?? [];
  }

  async stop(): Promise<void> {
    await this.server.down();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async monitor(path: string): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.monitorPort}/${path}`);
    if (!response.ok) throw new Error(`nats-server /${path}: HTTP ${response.status}`);
    return response.json();
  }
}
