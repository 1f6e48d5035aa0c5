import { cpuMsOf, ownCpuMsDuring, sampleCpu } from './cpu';

/** Computes until `done()` says so, in slices that let timers run; bounded by `limitMs`. */
async function computeUntil(done: () => boolean, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  let x = 0;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('CPU time did not grow while computing');
    for (let i = 0; i < 200_000; i++) x += Math.sqrt(x + i);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The real readings, on this machine's `/proc`: only their direction and consistency are
 * asserted (CPU time grows while this process computes, never shrinks), never how much
 * per second of wall clock: on a shared, loaded machine that is not this code's to promise.
 */
describe('CPU readings of a real process', () => {
  it("reads this process's CPU time, which grows while it computes", async () => {
    const before = cpuMsOf(process.pid)!;
    expect(before).toBeGreaterThan(0);
    await computeUntil(() => cpuMsOf(process.pid)! > before);
    expect(cpuMsOf(process.pid)!).toBeGreaterThan(before);
  });

  it('samples a process over time: what it reports grows with the work and agrees with a direct reading', async () => {
    const start = cpuMsOf(process.pid)!;
    const sampler = sampleCpu(() => [process.pid], 10);
    try {
      let used = 0;
      await computeUntil(() => (used = sampler.usedMs()) > 0);
      const later = sampler.usedMs();
      expect(later).toBeGreaterThanOrEqual(used);
      // Sampled from after `start`, read before now: never more than the direct difference.
      expect(later).toBeLessThanOrEqual(cpuMsOf(process.pid)! - start);
    } finally {
      sampler.stop();
    }
  });

  it("measures this process's own CPU around a piece of work, and passes its result through", async () => {
    const before = process.cpuUsage();
    const { value, cpuMs } = await ownCpuMsDuring(async () => {
      await computeUntil(() => {
        const used = process.cpuUsage(before);
        return used.user + used.system > 0;
      });
      return 'done';
    });
    expect(value).toBe('done');
    expect(cpuMs).toBeGreaterThan(0);
  });
});
