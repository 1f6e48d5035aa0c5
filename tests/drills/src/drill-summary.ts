import type { InvariantReport } from './checks/invariants';
import type { Attempt } from './load/order-load';

export interface DrillSummary {
  drill: string;
  /** Orders answered 201 during this drill's window. */
  accepted: number;
  report: InvariantReport;
  /** HTTP attempts that were not 201 in this window (retried with the same key). */
  retried: Attempt[];
  /** From the end of the fault (process ready / broker up) until the read model was complete. */
  recoverMs: number;
  /** How long the invariant checks took (reading every store). */
  checkMs: number;
  extra?: string;
}

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

/** `503×12 504×3`: what the retried attempts were answered. */
function byStatus(attempts: Attempt[]): string {
  const counts = new Map<string, number>();
  for (const { status } of attempts)
    counts.set(String(status), (counts.get(String(status)) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${status}×${count}`).join(' ');
}

/** Units inventory handed out during the drill beyond what its confirmed orders hold (stranded stock). */
export function strandedUnits(report: InvariantReport): number {
  return Object.values(report.stock).reduce(
    (sum, { sold, confirmedQuantity }) => sum + (sold - confirmedQuantity),
    0,
  );
}

/**
 * One line per drill, printed as it finishes and again as a table at the end. Every
 * figure is the drill's own (its orders, the stock and events it moved), never a total
 * since the start: a failure shows on the drill that caused it only.
 */
export function formatSummary(summary: DrillSummary): string {
  const { drill, accepted, report, retried, recoverMs, checkMs, extra } = summary;
  return (
    `[drill] ${drill.padEnd(22)} accepted ${String(accepted).padStart(4)}, ` +
    `lost ${report.lost}, duplicated ${report.duplicated}, ` +
    `wrong status ${report.wrongStatus}, missing on Kafka ${report.missingOnKafka} ` +
    `(re-sent ${report.kafkaDuplicates}), stranded units ${strandedUnits(report)}, ` +
    `retried ${retried.length}${retried.length ? ` (${byStatus(retried)})` : ''}, ` +
    `recovered in ${seconds(recoverMs)}, checked in ${seconds(checkMs)}` +
    `${extra ? `; ${extra}` : ''}`
  );
}
