import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * `SWITCHYARD_PORT_RANGE` ("33000-33999"): where `freePort` looks, when set. Several people
 * (or agents) sharing one machine each get a range, so a port one of them picked as free
 * never lands in the fixed ports another one's scripts are about to bind. Unset: below the
 * kernel's ephemeral range (`belowEphemeralRange`).
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
 * Where test ports come from when SWITCHYARD_PORT_RANGE is unset, given the text of
 * `ip_local_port_range`: from 20000 up to the
 * kernel's ephemeral range (Linux: `/proc/sys/net/ipv4/ip_local_port_range`, 32768 by
 * default). Not a port the OS picks with `listen(0)`: that one is inside the ephemeral
 * range, where the kernel also hands out the local port of every outgoing connection, so
 * a port checked free (or a broker's port while it restarts) could become some client's
 * port at any moment and the bind would fail with "address already in use". Below that
 * range only explicit binds compete, and those are checked. Undefined when the ephemeral
 * range leaves no room below it (or cannot be read): the OS picks, as before.
 */
export function belowEphemeralRange(procRange: string | undefined): [number, number] | undefined {
  const first = Number(procRange?.trim().split(/\s+/)[0]);
  if (!Number.isInteger(first) || first <= LOWEST + 1_000) return undefined;
  return [LOWEST, first - 1];
}

const LOWEST = 20_000;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The range `freePort` looks in: SWITCHYARD_PORT_RANGE, else below the ephemeral range. */
export function testPortRange(): [number, number] | undefined {
  return portRange() ?? belowEphemeralRange(readProc('/proc/sys/net/ipv4/ip_local_port_range'));
}

/**
 * A TCP port nothing listens on right now, from `testPortRange()` (tried from a random
 * point, so two callers rarely race for the same one), or one the OS picks when there is
 * no such range.
 */
export async function freePort(): Promise<number> {
  const range = testPortRange();
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
  throw new Error(`no free port in ${portRange() ? 'SWITCHYARD_PORT_RANGE ' : ''}${low}-${high}`);
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
