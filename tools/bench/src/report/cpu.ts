import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findProcesses } from './proc';

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`; 100 on Linux). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system) in ms from the text of `/proc/<pid>/stat`. */
export function cpuMsFromStat(stat: string, ticksPerSecond = TICKS_PER_SECOND): number {
  // Fields after the command name (which may contain spaces and parentheses), so utime
  // and stime are the 12th and 13th here (the 14th and 15th of the whole line).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000) / ticksPerSecond;
}

/** CPU time (user + system) a process has used so far, in ms; undefined once it exited. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    return cpuMsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The processes whose command line contains `needle` (brokers, Postgres and its backends). */
export function pidsOf(needle: string): () => number[] {
  return () => findProcesses(needle).map(({ pid }) => pid);
}

/**
 * ### CPU used by a changing set of processes while sampled.
 *
 * Every `intervalMs` it reads the CPU time of each process `find` returns (Postgres
 * backends come and go with the connections that use them) and keeps, per process, the
 * first and last reading. (Finding processes reads `/proc`: 200 ms keeps that cost
 * small next to what is measured.) `stop()` returns the sum of last − first: the CPU they used
 * while sampled, in ms. A process that starts between two samples loses at most one
 * interval of its CPU, and one that exits loses what it used after its last sample.
 * `read` is where a reading comes from (`/proc`, unless given).
 */
export function sampleCpu(
  find: () => number[],
  intervalMs = 200,
  read: (pid: number) => number | undefined = cpuMsOf,
) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = () => {
    for (const pid of find()) {
      const used = read(pid);
      if (used === undefined) continue;
      if (!first.has(pid)) first.set(pid, used);
      last.set(pid, used);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    /** CPU ms used so far by the sampled processes (keeps sampling). */
    usedMs(): number {
      sample();
      let total = 0;
      for (const [pid, end] of last) total += end - (first.get(pid) ?? end);
      return total;
    },
    /** Stops sampling; CPU ms used by the sampled processes while sampled. */
    stop(): number {
      const total = this.usedMs();
      clearInterval(timer);
      return total;
    },
  };
}

/** CPU ms this process (the bench, running a raw twin) used while `work` ran. */
export async function ownCpuMsDuring<T>(
  work: () => Promise<T>,
): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(before);
  return { value, cpuMs: (used.user + used.system) / 1_000 };
}
