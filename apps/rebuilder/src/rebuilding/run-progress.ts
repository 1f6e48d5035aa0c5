/** How far a rebuild is: what the status query, the progress subject and the bar show. */
export interface ProgressSnapshot {
  eventsTotal: number;
  eventsApplied: number;
  eventsPerSecond: number;
  /** `null` until a rate is known (nothing applied yet). */
  etaSeconds: number | null;
}

/**
 * Counts applied records against the finish line and derives the rate and ETA. Holds
 * two numbers, whatever the size of the log: the rebuilder's memory must not grow with it.
 */
export class RunProgress {
  private applied = 0;
  private readonly startedAt: number;

  constructor(
    readonly total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  add(records: number): void {
    this.applied += records;
  }

  get eventsApplied(): number {
    return this.applied;
  }

  snapshot(): ProgressSnapshot {
    const seconds = (this.now() - this.startedAt) / 1_000;
    const rate = seconds > 0 ? this.applied / seconds : 0;
    const left = Math.max(0, this.total - this.applied);
    return {
      eventsTotal: this.total,
      eventsApplied: this.applied,
      eventsPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.round(left / rate) : left === 0 ? 0 : null,
    };
  }
}
