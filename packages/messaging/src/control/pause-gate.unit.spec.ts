import { PauseGate } from './pause-gate';

/**
 * Which of `promise` and a later marker settles first. The gate settles its promises with
 * promise jobs only (no timers), so whatever it would resolve has resolved before a
 * `setImmediate` callback runs: "the marker came first" proves the promise is still
 * pending, where checking right after one microtask would not.
 */
async function firstOf(promise: Promise<unknown>): Promise<'promise' | 'marker'> {
  const marker = new Promise<'marker'>((resolve) => setImmediate(() => resolve('marker')));
  return Promise.race([promise.then(() => 'promise' as const), marker]);
}

describe('PauseGate', () => {
  it('given an idle loop, when closed, then close resolves at once', async () => {
    const gate = new PauseGate();
    expect(await firstOf(gate.close())).toBe('promise');
    expect(gate.isClosed).toBe(true);
  });

  it('given a loop holding work, when closed, then close waits until the loop parks', async () => {
    const gate = new PauseGate();
    gate.enter();
    const closing = gate.close();
    expect(await firstOf(closing)).toBe('marker');

    const parked = gate.park();
    expect(await firstOf(closing)).toBe('promise');
    expect(await firstOf(parked)).toBe('marker');

    gate.open();
    await expect(parked).resolves.toBeUndefined();
    expect(gate.isClosed).toBe(false);
  });

  it('given a parked loop, when opened, then the loop goes on', async () => {
    const gate = new PauseGate();
    await gate.close();
    const parked = gate.park();
    expect(await firstOf(parked)).toBe('marker');
    gate.open();
    expect(await firstOf(parked)).toBe('promise');
  });
});
