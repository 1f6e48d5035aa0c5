import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@switchyard/testkit';
import { pidsOf, sampleCpu } from '../report/cpu';
import { sampleMemory } from '../report/proc';

export interface RebuildRun {
  events: number;
  /** The rebuilder's own timing: new table, replay from offset 0, view swap (not the digest after it). */
  seconds: number;
  /**
   * Seconds between the rebuilder's `rebuild started` and `rebuild swapped in` log lines
   * (replay and swap, without table creation and process start), when it logs them.
   */
  replaySeconds?: number;
  /** Peak resident memory of the rebuilder process (VmHWM), MiB. */
  peakRssMb: number;
  /**
   * CPU ms used from the process's start to its "rebuild swapped in" line (the digest after
   * it excluded): the rebuilder (all its threads), Postgres (every postgres process), the
   * Kafka broker. Sampled from /proc every 200 ms: a slight undercount.
   */
  cpuMs: { rebuilder: number; postgres: number; broker: number };
}

/**
 * Runs the real rebuilder CLI (`node apps/rebuilder/dist/main.js rebuild orders`) in a
 * namespace, samples its memory from /proc while it runs, and reads its final JSON line.
 */
export function runRebuilder(namespace: string, timeoutMs: number): Promise<RebuildRun> {
  return new Promise<RebuildRun>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'apps', 'rebuilder', 'dist', 'main.js'),
        'rebuild',
        'orders',
        '--timeout-ms',
        String(timeoutMs),
      ],
      {
        env: { ...process.env, SWITCHYARD_NAMESPACE: namespace, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const memory = sampleMemory(child.pid!, 50);
    const samplers = {
      rebuilder: sampleCpu(() => [child.pid!]),
      postgres: sampleCpu(pidsOf('postgres')),
      broker: sampleCpu(pidsOf('kafka.Kafka')),
    };
    let cpuMs: RebuildRun['cpuMs'] | undefined;
    const stopSampling = () => {
      cpuMs ??= {
        rebuilder: samplers.rebuilder.stop(),
        postgres: samplers.postgres.stop(),
        broker: samplers.broker.stop(),
      };
    };
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      // The swap ends the rebuild; the digest that follows is verification (timed apart).
      if (!cpuMs && output.includes('"rebuild swapped in"')) stopSampling();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const killer = setTimeout(() => child.kill('SIGTERM'), timeoutMs + 30_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      const { peakMb } = memory.stop();
      stopSampling();
      const line = output
        .split('\n')
        .reverse()
        .find((candidate) => candidate.includes('"rebuild complete"'));
      if (code !== 0 || !line) {
        reject(
          new Error(`rebuilder exited with ${code}: ${output.split('\n').slice(-10).join('\n')}`),
        );
        return;
      }
      const result = JSON.parse(line) as { events: number; seconds: number };
      resolve({
        events: result.events,
        seconds: result.seconds,
        replaySeconds: replaySeconds(output),
        peakRssMb: peakMb,
        cpuMs: cpuMs!,
      });
    });
  });
}

/** Time between two pino log lines (their `time` field, epoch ms), if both are there. */
function replaySeconds(output: string): number | undefined {
  const times = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; time?: number };
      if (entry.msg && typeof entry.time === 'number') times.set(entry.msg, entry.time);
    } catch {
      // not a log line
    }
  }
  const started = times.get('rebuild started');
  const swapped = times.get('rebuild swapped in');
  return started !== undefined && swapped !== undefined ? (swapped - started) / 1_000 : undefined;
}
