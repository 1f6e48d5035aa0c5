import { Injectable } from '@nestjs/common';
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '@switchyard/contracts';
import { config } from '../config';

/** What `/api/overview` shows of it: `LatencySummarySchema` in the contracts. */
export type { LatencySummary };

const newHistogram = (): Histogram =>
  // Microseconds, 1 µs to 60 s, 3 significant digits: p99 of a 2 ms reply is exact to 2 µs.
  build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });

/**
 * ### NATS request-reply latency as the gateway sees it, over a rolling window
 *
 * Measured on the gateway's own requests (send → reply), so it includes the service's
 * work, both hops through the NATS server and Nest's (de)serialisation: what a user of
 * the HTTP API waits for on the fast path.
 *
 * An HDR histogram keeps percentiles exact to 3 digits in constant memory, however many
 * requests arrive. "Recent" is two histograms: the current half-window records, the
 * previous half-window is kept; percentiles merge both, so they always cover between half
 * and the whole of `LATENCY_WINDOW_MS` and an old spike ages out instead of haunting p99.
 */
@Injectable()
export class RequestLatency {
  private current = newHistogram();
  private previous = newHistogram();
  private rotatedAt = Date.now();
  private readonly halfWindowMs = Math.max(1, Math.floor(config.LATENCY_WINDOW_MS / 2));

  /** Records one round trip that got a reply, in milliseconds (fractions welcome). */
  record(milliseconds: number): void {
    this.rotate();
    this.current.recordValue(Math.max(1, Math.round(milliseconds * 1000)));
  }

  summary(): LatencySummary {
    this.rotate();
    const merged = newHistogram();
    merged.add(this.previous);
    merged.add(this.current);
    const windowMs = Math.min(
      config.LATENCY_WINDOW_MS,
      Date.now() - this.rotatedAt + this.halfWindowMs,
    );
    if (merged.totalCount === 0)
      return { count: 0, p50Ms: null, p99Ms: null, maxMs: null, windowMs };
    const ms = (micros: number) => Math.round(micros) / 1000;
    // A percentile reports the top of its bucket, which can sit a hair above the largest
    // value recorded; cap it there so p99 never reads higher than max.
    const max = merged.maxValue;
    return {
      count: merged.totalCount,
      p50Ms: ms(Math.min(merged.getValueAtPercentile(50), max)),
      p99Ms: ms(Math.min(merged.getValueAtPercentile(99), max)),
      maxMs: ms(max),
      windowMs,
    };
  }

  private rotate(): void {
    const now = Date.now();
    if (now - this.rotatedAt < this.halfWindowMs) return;
    // More than a whole window idle: both halves are stale.
    if (now - this.rotatedAt >= 2 * this.halfWindowMs) this.previous.reset();
    else [this.previous, this.current] = [this.current, this.previous];
    this.current.reset();
    this.rotatedAt = now;
  }
}
