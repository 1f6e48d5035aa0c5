import { connect, createServer } from 'node:net';

/**
 * `SWITCHYARD_PORT_RANGE` ("33000-33999"): where `freePort` looks, when set. Several people
 * (or agents) sharing one machine each get a range, so a port one of them picked as free
 * never lands in the fixed ports another one's scripts are about to bind. Unset: the OS
 * picks an ephemeral port, as before.
 */
export function portRange(value = process.env.SWITCHYARD_PORT_RANGE): [number, number] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(value);
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || low < 1024 || high > 65_535 || low > high) {
    throw new Error(`SWITCHYARD_PORT_RANGE must be "low-high" within 1024-65535, got "${value}"`);
  }
  return [low, high];
}

/**
 * A TCP port nothing listens on right now: the OS picks it, or, with `SWITCHYARD_PORT_RANGE`,
 * one of that range (tried in a random order, so two callers rarely race for the same one).
 */
export async function freePort(): Promise<number> {
  const range = portRange();
  if (!range) return listenOn(0);
  const [low, high] = range;
  const size = high - low + 1;
  const start = Math.floor(Math.random() * size);
  for (let index = 0; index < size; index++) {
    const port = low + ((start + index) % size);
    if (await portAnswers(port)) continue;
    const bound = await listenOn(port).catch(() => undefined);
    if (bound !== undefined) return bound;
  }
  throw new Error(`no free port in SWITCHYARD_PORT_RANGE ${low}-${high}`);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/** Does something accept TCP connections on `port` right now? */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const client = connect({ port, host });
    client.once('connect', () => {
      client.destroy();
      resolve(true);
    });
    client.once('error', () => resolve(false));
  });
}
