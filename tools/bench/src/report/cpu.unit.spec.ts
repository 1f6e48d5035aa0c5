import { cpuMsOf, ownCpuMsDuring, sampleCpu } from './cpu';

/** Burns CPU on this thread for about `ms`. */
function spin(ms: number): void {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
}

describe('CPU sampling from /proc', () => {
  it("reads this process's CPU time, which grows while it computes", () => {
    const before = cpuMsOf(process.pid)!;
    spin(150);
    const after = cpuMsOf(process.pid)!;
    expect(before).toBeGreaterThan(0);
    expect(after - before).toBeGreaterThanOrEqual(100);
  });

  it('gives undefined for a process that does not exist', () => {
    expect(cpuMsOf(2 ** 22 + 1)).toBeUndefined();
  });

  it('sums what the sampled processes used while sampled', async () => {
    const sampler = sampleCpu(() => [process.pid], 10);
    spin(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const used = sampler.stop();
    expect(used).toBeGreaterThanOrEqual(150);
    expect(used).toBeLessThan(1_000);
  });

  it("measures this process's own CPU around a piece of work", async () => {
    const { value, cpuMs } = await ownCpuMsDuring(async () => {
      spin(120);
      return 'done';
    });
    expect(value).toBe('done');
    expect(cpuMs).toBeGreaterThanOrEqual(100);
  });
});
