import { PauseGate } from './pause-gate';

describe('PauseGate', () => {
  it('given an idle loop, when closed, then close resolves at once', async () => {
    const gate = new PauseGate();
    await expect(gate.close()).resolves.toBeUndefined();
    expect(gate.isClosed).toBe(true);
  });

  it('given a loop holding work, when closed, then close waits until the loop parks', async () => {
    const gate = new PauseGate();
    gate.enter();
    let paused = false;
    const closing = gate.close().then(() => (paused = true));
    await Promise.resolve();
    expect(paused).toBe(false);

    const parked = gate.park();
    await closing;
    expect(paused).toBe(true);

    gate.open();
    await expect(parked).resolves.toBeUndefined();
    expect(gate.isClosed).toBe(false);
  });

  it('given a parked loop, when opened, then the loop goes on', async () => {
    const gate = new PauseGate();
    await gate.close();
    let through = false;
    const parked = gate.park().then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(false);
    gate.open();
    await parked;
    expect(through).toBe(true);
  });
});
