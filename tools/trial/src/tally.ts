import { LatencyRecorder } from '@switchyard/bench';

/**
 * ### Who received what: per-subscriber accounting of one transport's run.
 *
 * Each fan-out subscriber must see every message once (its competing consumers share the
 * work). The tally keeps, per subscriber, the set of message indexes seen: what is missing
 * at the end was lost, what came twice was redelivered. The first copy of a message at each
 * subscriber is timed from the message's intended send instant, apart for subscriber 0:
 * the backlog it finds when it comes back is a second or more late, and mixed in with the
 * others it would be the whole p99 of a durable bus.
 */
export class Tally {
  /** First copies at the subscribers that stay (every subscriber when there is only one). */
  readonly latency = new LatencyRecorder();
  /** First copies at subscriber 0, the one taken away: its catch-up shows here. */
  readonly returningLatency = new LatencyRecorder();
  private readonly seen: Set<number>[];
  private readonly duplicateCounts: number[];
  private lastDelivery = 0;

  constructor(
    readonly subscribers: number,
    readonly sent: number,
  ) {
    this.seen = Array.from({ length: subscribers }, () => new Set<number>());
    this.duplicateCounts = Array.from({ length: subscribers }, () => 0);
  }

  /** Subscriber `subscriber` has message `index`, `latencyMs` after it was due, at `now`. */
  received(subscriber: number, index: number, latencyMs: number, now: number): void {
    const seen = this.seen[subscriber];
    if (!seen) throw new Error(`no subscriber ${subscriber}`);
    if (seen.has(index)) {
      this.duplicateCounts[subscriber]!++;
      return;
    }
    seen.add(index);
    const returning = subscriber === 0 && this.subscribers > 1;
    (returning ? this.returningLatency : this.latency).recordMs(latencyMs);
    this.lastDelivery = Math.max(this.lastDelivery, now);
  }

  unique(subscriber: number): number {
    return this.seen[subscriber]?.size ?? 0;
  }

  lost(subscriber: number): number {
    return this.sent - this.unique(subscriber);
  }

  duplicates(subscriber: number): number {
    return this.duplicateCounts[subscriber] ?? 0;
  }

  /** Message indexes subscriber `subscriber` never received, as `[from, to]` runs. */
  gaps(subscriber: number): [number, number][] {
    const runs: [number, number][] = [];
    for (let i = 0; i < this.sent; i++) {
      if (this.seen[subscriber]?.has(i)) continue;
      const last = runs.at(-1);
      if (last && last[1] === i - 1) last[1] = i;
      else runs.push([i, i]);
    }
    return runs;
  }

  /** True once every subscriber has `expected(subscriber)` distinct messages. */
  complete(expected: (subscriber: number) => number): boolean {
    return this.seen.every((seen, k) => seen.size >= expected(k));
  }

  /** `performance.now()` of the latest first delivery (0 before any). */
  get lastDeliveryAt(): number {
    return this.lastDelivery;
  }
}
