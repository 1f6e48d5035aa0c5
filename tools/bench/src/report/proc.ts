import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

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

/**
 * Socket inodes listening on `port` in the text of `/proc/net/tcp` or `/proc/net/tcp6`
 * (state `0A` is LISTEN; the local address ends in the port in hex).
 */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return procNetTcp
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A')
    .map((fields) => fields[9]!);
}

/**
 * The process listening on a TCP port on this machine (a broker, found by its address
 * rather than by name), or undefined when none is, or it belongs to a user whose file
 * descriptors this process may not read.
 */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set(
    ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) => {
      try {
        return listeningInodes(readFileSync(file, 'utf8'), port);
      } catch {
        return [];
      }
    }),
  );
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        if (inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '')) return Number(entry);
      } catch {
        // closed between readdir and readlink
      }
    }
  }
  return undefined;
}
