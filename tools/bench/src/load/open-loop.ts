import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type LatencySummary } from '../stats/latency';

export interface OpenLoopOptions {
  /** Intended sends per second. */
  rate: number;
  /** How many operations to send (the run is bounded in count…). */
  count: number;
  /** …and in time: operations still in flight after this are counted as timed out. */
  timeoutMs: number;
}

export interface OpenLoopResult {
  latency: LatencySummary;
  completed: number;
  failed: number;
  /** Achieved completions per second over the run. */
  throughput: number;
}

/**
 * ### Open-loop, fixed-rate load that does not hide stalls ("coordinated omission").
 *
 * A closed loop (send, await, send the next) slows down with the system under test: if a
 * reply takes 200 ms, the requests that *would* have been sent during those 200 ms are
 * never sent, so their waiting time never shows up in the histogram and p99 looks
 * excellent exactly when the system is stalling (Gil Tene's "coordinated omission").
 *
 * Here operation `i` has an *intended* send time `start + i / rate`, fixed in advance. A
 * timer wakes up, sends every operation whose intended time has come (a late timer sends a
 * burst, as real independent clients would), and each latency is measured from the
 * intended time, not from when the send actually happened. A stall therefore shows up
 * in every operation it delayed, as users would experience it.
 */
export async function runOpenLoop(
  operation: (index: number) => Promise<unknown>,
  { rate, count, timeoutMs }: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const recorder = new LatencyRecorder();
  const interval = 1_000 / rate;
  let sent = 0;
  let completed = 0;
  let failed = 0;
  let settled = 0;
  const start = performance.now();

  return new Promise<OpenLoopResult>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      clearTimeout(deadline);
      const seconds = (performance.now() - start) / 1_000;
      resolve({
        latency: recorder.summary(),
        completed,
        failed: failed + (count - settled),
        throughput: completed / seconds,
      });
    };
    const tick = () => {
      const now = performance.now();
      while (sent < count && start + sent * interval <= now) {
        const intended = start + sent * interval;
        const index = sent++;
        operation(index)
          .then(
            () => {
              recorder.recordMs(performance.now() - intended);
              completed++;
            },
            () => {
              failed++;
            },
          )
          .finally(() => {
            settled++;
            if (settled === count) finish();
          });
      }
    };
    // 1 ms timer: Node cannot wake more precisely, and the intended-time bookkeeping
    // makes the timer's jitter part of the measured latency rather than hiding it.
    const timer = setInterval(tick, 1);
    const deadline = setTimeout(finish, count * interval + timeoutMs);
    tick();
  });
}

/**
 * Closed loop, one at a time: the latency of an otherwise idle path. Reported beside the
 * open-loop figures because it is what most quick benchmarks print (and it is easy to
 * compare with other write-ups), never instead of them.
 */
export async function runSequential(
  operation: (index: number) => Promise<unknown>,
  count: number,
): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await operation(i);
    recorder.recordMs(performance.now() - started);
  }
  return recorder.summary();
}

/** Runs `count` operations without measuring them: JIT, connections and caches warm up. */
export async function warmUp(
  operation: (index: number) => Promise<unknown>,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i++) await operation(i);
}

/**
 * Throughput with `inFlight` operations outstanding at all times (a closed loop per
 * slot): completions per second over `count` operations.
 */
export async function runConcurrent(
  operation: (index: number) => Promise<unknown>,
  count: number,
  inFlight: number,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  const slot = async () => {
    while (next < count) await operation(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, slot));
  return count / ((performance.now() - started) / 1_000);
}
