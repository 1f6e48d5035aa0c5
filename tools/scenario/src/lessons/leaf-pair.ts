import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, NatsServerProcess } from '@switchyard/testkit';
import { DelayingProxy } from './delaying-proxy';

/**
 * ### A hub and an edge nats-server, the edge a leaf of the hub, through a link we control.
 *
 * Both are this run's own (free ports, a temporary directory): the scenario cuts their
 * link, which must not touch the machine's shared server. The edge dials the hub's leaf
 * port through a `DelayingProxy`, so the scenario can slow or cut the WAN between them.
 *
 * Each server runs JetStream in its own domain (`hub`, `edge`): without domains, two
 * JetStream servers joined by a leaf link would claim one JetStream API between them; with
 * them, each site keeps its own streams and reaches the other's by naming its domain.
 */
export class LeafPair {
  private constructor(
    readonly hub: NatsServerProcess,
    readonly edge: NatsServerProcess,
    readonly link: DelayingProxy,
    private readonly dir: string,
  ) {}

  static async start(): Promise<LeafPair> {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-leaf-'));
    const started: { hub?: NatsServerProcess; link?: DelayingProxy } = {};
    try {
      const leafPort = await freePort();
      const hubConfig = join(dir, 'hub.conf');
      writeFileSync(
        hubConfig,
        `server_name: hub\njetstream { domain: hub }\nleafnodes { listen: "127.0.0.1:${leafPort}" }\n`,
      );
      started.hub = await NatsServerProcess.start(join(dir, 'hub-store'), dir, ['-c', hubConfig]);
      started.link = await DelayingProxy.start(leafPort);
      const edgeConfig = join(dir, 'edge.conf');
      // reconnect: 1 s between redials of a lost hub (the server's default too, said here
      // because the lesson measures it).
      writeFileSync(
        edgeConfig,
        `server_name: edge\njetstream { domain: edge }\n` +
          `leafnodes { reconnect: 1, remotes: [ { url: "nats-leaf://127.0.0.1:${started.link.port}" } ] }\n`,
      );
      const edge = await NatsServerProcess.start(join(dir, 'edge-store'), dir, ['-c', edgeConfig]);
      return new LeafPair(started.hub, edge, started.link, dir);
    } catch (error) {
      await started.link?.close();
      await started.hub?.down();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Stops both servers and the link, and deletes their files. */
  async stop(): Promise<void> {
    await this.link.close();
    await Promise.all([this.edge.down(), this.hub.down()]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
