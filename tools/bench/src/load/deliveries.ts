import { performance } from 'node:perf_hooks';

/**
 * Matches deliveries back to sends: `expect(i, n)` returns a promise that resolves once
 * message `i` has been delivered `n` times (n subscribers), so a publish → receive hop can
 * be driven by the same open-loop runner as a request. Messages carry their index.
 */
export class Deliveries {
  private readonly pending = new Map<number, { remaining: number; resolve: () => void }>();
  private delivered = 0;
  /** `performance.now()` of the latest delivery: throughput ends there, not when a wait gave up. */
  lastDeliveryAt = 0;

  expect(index: number, copies: number): Promise<void> {
    return new Promise<void>((resolve) => this.pending.set(index, { remaining: copies, resolve }));
  }

  /** Call from every subscriber for every message it receives. */
  received(index: number): void {
    this.delivered++;
    this.lastDeliveryAt = performance.now();
    const entry = this.pending.get(index);
    if (!entry) return; // a warm-up or late message
    if (--entry.remaining === 0) {
      this.pending.delete(index);
      entry.resolve();
    }
  }

  get total(): number {
    return this.delivered;
  }

  /** Forgets what is still pending (after a run timed out). */
  clear(): void {
    this.pending.clear();
  }
}
