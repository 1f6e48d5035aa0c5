import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * ### A TCP link we can slow down and cut: a WAN between two servers on one machine.
 *
 * Everything written into one end comes out of the other `delayMs` later, in order, in
 * both directions, so a request that crosses the link and its reply pay the delay twice.
 * `cut()` drops every connection and refuses new ones until `restore()`: what a broken
 * uplink does to an edge site. A real WAN also loses and reorders packets; TCP hides that
 * as extra delay, which is what this adds.
 */
export class DelayingProxy {
  private readonly sockets = new Set<Socket>();
  private delay = 0;
  private isCut = false;
  private forwarded = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and forwards each connection to `targetPort`. */
  static async start(targetPort: number, host = '127.0.0.1'): Promise<DelayingProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const proxy = new DelayingProxy(server, port);
    server.on('connection', (client) => proxy.accept(client, targetPort, host));
    return proxy;
  }

  get delayMs(): number {
    return this.delay;
  }

  /** Bytes carried so far, both ways: what crossed the "WAN". */
  get bytesForwarded(): number {
    return this.forwarded;
  }

  /** One way; the round trip across the link pays it twice. */
  setDelay(ms: number): void {
    this.delay = ms;
  }

  /** Drops every connection now and refuses new ones until `restore()`. */
  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, targetPort: number, host: string): void {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = connect({ port: targetPort, host });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      // One side gone: the other goes too, as when a link breaks.
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** Forwards `from` → `to`, each chunk held `delay` ms, never reordered. */
  private pipe(from: Socket, to: Socket): void {
    const queue: { due: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0]!.due <= now) to.write(queue.shift()!.chunk);
      // A timer may fire a fraction of a millisecond early: wait for the rest.
      if (queue.length > 0) timer = setTimeout(flush, Math.max(1, queue[0]!.due - now));
    };
    from.on('data', (chunk: Buffer) => {
      this.forwarded += chunk.length;
      if (this.delay === 0 && queue.length === 0) {
        to.write(chunk);
        return;
      }
      queue.push({ due: performance.now() + this.delay, chunk });
      timer ??= setTimeout(flush, this.delay);
    });
    from.on('close', () => clearTimeout(timer));
  }
}
