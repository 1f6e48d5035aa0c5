import { cpuMsFromStat, cpuMsOf, sampleCpu } from './cpu';

/**
 * The arithmetic on fixed input. The real readings (a process's CPU time grows while it
 * computes) are in `cpu.int.spec.ts`, which asserts their direction, never a speed.
 */
describe('CPU figures from /proc', () => {
  // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
  const stat = (comm: string, utime: number, stime: number) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 12 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 900 0 0`;

  it('given a stat line, then CPU ms is (utime + stime) ticks at the clock rate', () => {
    expect(cpuMsFromStat(stat('node', 150, 50), 100)).toBe(2_000);
    expect(cpuMsFromStat(stat('node', 7, 3), 250)).toBe(40);
  });

  it('given a command name with spaces and parentheses, then the fields after it are read', () => {
    expect(cpuMsFromStat(stat('kafka (broker) 1', 30, 20), 100)).toBe(500);
  });

  it('gives undefined for a process that does not exist', () => {
    expect(cpuMsOf(2 ** 22 + 1)).toBeUndefined();
  });

  it('sums, per process, the last reading minus the first: late starters and exited ones count what was seen', () => {
    // Readings per call, in order; undefined: the process has exited.
    const readings = new Map<number, (number | undefined)[]>([
      [1, [100, 180, 250]], // there all along: 150
      [2, [40, 70]], // appears at the second sample: 30
      [3, [500, undefined, undefined]], // exits after the first sample: 0
    ]);
    const present = [
      [1, 3],
      [1, 2, 3],
      [1, 2, 3],
    ];
    let round = 0;
    const sampler = sampleCpu(
      () => present[Math.min(round++, present.length - 1)]!,
      60_000, // the timer never fires here: samples are taken by the calls below
      (pid) => readings.get(pid)!.shift(),
    );
    expect(sampler.usedMs()).toBe(80 + 0);
    expect(sampler.stop()).toBe(150 + 30 + 0);
  });
});
