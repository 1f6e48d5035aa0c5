import type { Attempt } from './order-load';

/** What the HTTP clients saw while a fault lasted (printed, never asserted: speed is the bench's business). */
export interface FaultFigures {
  /** HTTP attempts started during the fault. */
  attempts: number;
  /** Those not answered 201 (503, 504, refused), each retried by the load with its key. */
  errors: number;
  /** 99th percentile of the attempts' durations, in ms. */
  p99Ms: number;
  /**
   * The longest time without a 201 answer, from the fault's start until writes flowed
   * again: how long writes stalled (for a rolling restart, the worst of its three steps).
   */
  stalledMs: number;
}

/** The figures of the attempts started in `[from, to]` (the fault, from its start until its part is back). */
export function faultFigures(attempts: readonly Attempt[], from: number, to: number): FaultFigures {
  const during = attempts.filter((attempt) => attempt.at >= from && attempt.at <= to);
  const durations = during.map((attempt) => attempt.ms).sort((a, b) => a - b);
  const p99Ms = durations.length
    ? durations[Math.min(durations.length - 1, Math.ceil(durations.length * 0.99) - 1)]!
    : 0;
  // Answers, not starts: an attempt started before the stall and answered after it ends it.
  const answered = attempts
    .filter((attempt) => attempt.status === 201 && attempt.at + attempt.ms >= from)
    .map((attempt) => attempt.at + attempt.ms)
    .sort((a, b) => a - b);
  let stalledMs = 0;
  let previous = from;
  for (const at of answered) {
    stalledMs = Math.max(stalledMs, at - previous);
    previous = at;
    if (at > to) break;
  }
  return {
    attempts: during.length,
    errors: during.filter((attempt) => attempt.status !== 201).length,
    p99Ms,
    stalledMs,
  };
}

export function formatFaultFigures({ attempts, errors, p99Ms, stalledMs }: FaultFigures): string {
  return `during the fault: ${errors}/${attempts} HTTP attempts not 201, p99 ${p99Ms} ms, writes stalled at most ${(stalledMs / 1_000).toFixed(1)} s`;
}
