import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder, type LatencySummary } from '../stats/latency';
import { intendedOffsetMs, nextStep, planDurationMs, type SchedulePlan } from './schedule';

export interface PreciseOpenLoopOptions {
  plan: SchedulePlan;
  /** Operations still in flight this long after the last intended send count as failed. */
  timeoutMs: number;
  /** How close to a target the sender stops sleeping and starts yielding (default 2 ms). */
  spinWindowMs?: number;
}

export interface PreciseOpenLoopResult {
  /** Intended send → operation settled, for the operations that succeeded. */
  latency: LatencySummary;
  /**
   * Actual send − intended send, for every send: the scheduler's own error. It is part of
   * every latency above (latency starts at the intended instant), so a reader can see how
   * much of a figure is the sender's and how much the path's.
   */
  schedulingError: LatencySummary;
  completed: number;
  failed: number;
  /** Completions per second, from the start to the last completion. */
  throughput: number;
  /** `performance.now()` at the start: message `i` was due at `startedAt + intendedOffsetMs(plan, i)`. */
  startedAt: number;
}

/**
 * ### Open-loop sends at the intended instants, not on a 1 ms timer.
 *
 * `runOpenLoop` wakes on a 1 ms interval and sends whatever is due; Node's timers fire late
 * by up to a millisecond, so every figure it measures carries about a millisecond of timer
 * lag, which is the size of a core NATS hop. This sender sleeps until about `spinWindowMs`
 * before each message's intended instant and then yields to the event loop until the
 * instant comes (see `nextStep`), then sends. Sends stay in index order; a late sender never
 * skips or spaces out what is due, it sends it at once, and latency still starts at the
 * intended instant (coordinated omission corrected). Yielding keeps one core busy during
 * the run: that is the price of precision, and it shows in the client's CPU figure.
 *
 * `operation(i, intendedAt)` sends message `i` (due at `intendedAt`, a `performance.now()`
 * time, for a receiver that times deliveries itself) and resolves when it has done whatever is timed (a reply
 * came, every subscriber has it); a rejection counts as a failure.
 */
export async function runPreciseOpenLoop(
  operation: (index: number, intendedAt: number) => Promise<unknown>,
  { plan, timeoutMs, spinWindowMs = 2 }: PreciseOpenLoopOptions,
): Promise<PreciseOpenLoopResult> {
  const latency = new LatencyRecorder();
  const schedulingError = new LatencyRecorder();
  let completed = 0;
  let lastCompletion = 0;
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();

  for (let index = 0; index < plan.count; index++) {
    const intended = startedAt + intendedOffsetMs(plan, index);
    for (;;) {
      const step = nextStep(performance.now(), intended, spinWindowMs);
      if (step.kind === 'send') break;
      if (step.kind === 'sleep') await sleep(step.ms);
      else await yieldToLoop();
    }
    schedulingError.recordMs(performance.now() - intended);
    const settled: Promise<void> = operation(index, intended).then(
      () => {
        lastCompletion = performance.now();
        latency.recordMs(lastCompletion - intended);
        completed++;
      },
      () => undefined, // counted below: whatever did not complete failed
    );
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
  }

  const deadline = startedAt + planDurationMs(plan) + timeoutMs;
  const remaining = Math.max(0, deadline - performance.now());
  const giveUp = new AbortController();
  await Promise.race([
    Promise.all(inFlight),
    sleep(remaining, undefined, { signal: giveUp.signal }).catch(() => undefined),
  ]);
  giveUp.abort(); // no timer left behind to keep the process alive
  const seconds = ((lastCompletion || performance.now()) - startedAt) / 1_000;
  return {
    latency: latency.summary(),
    schedulingError: schedulingError.summary(),
    completed,
    failed: plan.count - completed,
    throughput: seconds > 0 ? completed / seconds : 0,
    startedAt,
  };
}
