import { formatSummary, type DrillSummary } from '../drill-summary';
import type { DrillWorldBase } from '../system/drill-harness';
import type { DrillBaseline } from './invariants';

/** What one drill measured, besides the invariants: its window and its own figures. */
export interface DrillWindow {
  name: string;
  /** Taken by `drillStart`: the drill is checked against what changed after it. */
  baseline: DrillBaseline;
  /** Index of the drill's first HTTP attempt in `load.attempts`. */
  firstAttempt: number;
  recoverMs: number;
  extra?: string;
}

/**
 * ### The end of every drill: the invariants of its own window, printed and kept.
 *
 * Every drill file ends a drill the same way once its orders have settled: check what
 * changed since the baseline, count its accepted orders and retried attempts, print the
 * one-line summary and keep it for the table at the end of the file.
 */
export async function checkDrill(
  { checker, load }: Pick<DrillWorldBase, 'checker' | 'load'>,
  window: DrillWindow,
  summaries: DrillSummary[],
): Promise<DrillSummary> {
  const checkStarted = Date.now();
  const report = await checker.check(load.accepted, window.baseline);
  const summary: DrillSummary = {
    drill: window.name,
    accepted: load.accepted.length - window.baseline.from,
    report,
    retried: load.attempts.slice(window.firstAttempt).filter((a) => a.status !== 201),
    recoverMs: window.recoverMs,
    checkMs: Date.now() - checkStarted,
    extra: window.extra,
  };
  summaries.push(summary);
  process.stdout.write(`${formatSummary(summary)}\n`);
  return summary;
}
