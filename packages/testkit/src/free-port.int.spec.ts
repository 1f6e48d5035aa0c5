import { createServer } from 'node:net';
import { freePort, portAnswers } from './free-port';

describe('freePort with SWITCHYARD_PORT_RANGE', () => {
  const saved = process.env.SWITCHYARD_PORT_RANGE;
  afterEach(() => {
    if (saved === undefined) delete process.env.SWITCHYARD_PORT_RANGE;
    else process.env.SWITCHYARD_PORT_RANGE = saved;
  });

  it('given a two-port range with one port taken, then it returns the other one every time', async () => {
    const held = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => held.listen(taken, '127.0.0.1', resolve));
    try {
      // A free neighbour of the held port: the range is those two.
      const other = (await portAnswers(taken + 1)) ? taken - 1 : taken + 1;
      expect(await portAnswers(other)).toBe(false);
      process.env.SWITCHYARD_PORT_RANGE = `${Math.min(taken, other)}-${Math.max(taken, other)}`;
      for (let attempt = 0; attempt < 5; attempt++) expect(await freePort()).toBe(other);
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });

  it('given a one-port range that is taken, then it says so rather than return it', async () => {
    const held = createServer();
    const taken = await freePort();
    await new Promise<void>((resolve) => held.listen(taken, '127.0.0.1', resolve));
    try {
      process.env.SWITCHYARD_PORT_RANGE = `${taken}-${taken}`;
      await expect(freePort()).rejects.toThrow(/no free port/);
    } finally {
      await new Promise((resolve) => held.close(resolve));
    }
  });
});
