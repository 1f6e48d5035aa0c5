import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeBasePort, LocalCluster } from './local-cluster';

/**
 * A cluster's ports are checked free, not reserved: CI run 11 lost a test when another
 * package's process bound a route port between the check and nats-server's own bind. The
 * start must then try other ports, not fail the suite.
 */
describe('LocalCluster.start when a port is taken under it', () => {
  let dir: string;
  let squatter: Server | undefined;
  let cluster: LocalCluster | undefined;
  const sockets = new Set<Socket>();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nats-cluster-ports-'));
  });

  afterEach(async () => {
    await cluster?.destroy();
    cluster = undefined;
    // The first attempt's nodes dialled the squatter as their peer's route: drop those
    // connections, or close() waits for them.
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (squatter ? squatter.close(resolve) : resolve(undefined)));
    squatter = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts again on other ports when a route port was bound by someone else', async () => {
    const offsets = [0, 100, 200];
    const taken = await freeBasePort(offsets);
    const spare = await freeBasePort(offsets);
    // Node 2's route port (nats-cluster.sh: base + 100 + node - 1), bound after the check:
    // the script's own client-port check passes, and nats-server dies on its bind.
    squatter = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve, reject) => {
      squatter!.once('error', reject);
      squatter!.listen(taken + 101, '127.0.0.1', resolve);
    });
    const picked: number[] = [];
    const bases = [taken, spare];
    cluster = await LocalCluster.start('nats', dir, {
      pickBasePort: async () => {
        const base = bases.shift();
        if (base === undefined) throw new Error('asked for a third base port');
        picked.push(base);
        return base;
      },
    });

    expect(picked).toEqual([taken, spare]);
    expect(cluster.addresses.split(',')).toEqual(
      [0, 1, 2].map((node) => `nats://127.0.0.1:${spare + node}`),
    );
  });
});
