import { readdirSync, readFileSync } from 'node:fs';

/** Resident memory of a process from `/proc/<pid>/status`: now (VmRSS) and its peak (VmHWM), in MiB. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1_024, peakMb: kb('VmHWM') / 1_024 };
  } catch {
    return undefined; // the process has exited
  }
}

/** The command line of every process whose arguments contain `needle` (read-only: to find brokers). */
export function findProcesses(needle: string): { pid: number; args: string[] }[] {
  const found: { pid: number; args: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (args.some((arg) => arg.includes(needle))) found.push({ pid: Number(entry), args });
    } catch {
      // gone between readdir and read
    }
  }
  return found.filter(({ pid }) => pid !== process.pid);
}

/**
 * Samples a process's memory every `intervalMs` until stopped; returns the highest RSS
 * seen and the kernel's own high-water mark (VmHWM), which also catches peaks between
 * samples.
 */
export function sampleMemory(pid: number, intervalMs = 100) {
  let maxRss = 0;
  let peak = 0;
  const sample = () => {
    const memory = memoryOf(pid);
    if (!memory || !Number.isFinite(memory.rssMb) || !Number.isFinite(memory.peakMb)) return;
    maxRss = Math.max(maxRss, memory.rssMb);
    peak = Math.max(peak, memory.peakMb);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): { maxRssMb: number; peakMb: number } {
      sample();
      clearInterval(timer);
      return { maxRssMb: maxRss, peakMb: peak };
    },
  };
}
