/**
 * How big each measurement is. `quick` is a smoke run (the whole bench in under three
 * minutes); `full` aims at under fifteen minutes on a 2-core machine. Every load is
 * bounded in count and in time.
 */
export interface Profile {
  name: 'quick' | 'full';
  /** Repetitions of each latency measurement; the median is reported. */
  repetitions: number;
  /** Repetitions of the heavy throughput measurements (services, Postgres). */
  throughputRepetitions: number;
  warmUp: number;
  requestReply: { sequential: number; rate: number; count: number };
  fanout: { subscribers: number[]; burst: number; rate: number; count: number };
  jetstream: { sequential: number };
  ladder: { rate: number; count: number };
  bridge: { events: number };
  rebuild: { events: number; smallEvents: number };
  http: { rates: number[]; seconds: number; saturationSeconds: number };
  rss: { loadRate: number; loadSeconds: number };
  /** Measurement 9 (on the local clusters): latency runs, and a throughput burst with `inFlight` outstanding. */
  replication: { sequential: number; rate: number; count: number; burst: number; inFlight: number };
  /** Payload size of the request-reply, pub/sub and ladder messages. */
  payloadBytes: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    repetitions: 3,
    throughputRepetitions: 1,
    warmUp: 200,
    requestReply: { sequential: 300, rate: 500, count: 600 },
    fanout: { subscribers: [1, 3, 10], burst: 2_000, rate: 500, count: 300 },
    jetstream: { sequential: 300 },
    ladder: { rate: 200, count: 300 },
    bridge: { events: 5_000 },
    rebuild: { events: 10_000, smallEvents: 1_000 },
    http: { rates: [100, 250], seconds: 2, saturationSeconds: 2 },
    rss: { loadRate: 100, loadSeconds: 3 },
    replication: { sequential: 300, rate: 50, count: 150, burst: 1_000, inFlight: 32 },
    payloadBytes: 128,
  },
  full: {
    name: 'full',
    repetitions: 5,
    throughputRepetitions: 3,
    warmUp: 1_000,
    requestReply: { sequential: 2_000, rate: 1_000, count: 5_000 },
    fanout: { subscribers: [1, 3, 10], burst: 10_000, rate: 1_000, count: 2_000 },
    jetstream: { sequential: 2_000 },
    ladder: { rate: 200, count: 1_000 },
    bridge: { events: 30_000 },
    // Issue #4 states the rebuild targets on 1M events (and RSS at 1M ÷ at 100k): measured there.
    rebuild: { events: 1_000_000, smallEvents: 100_000 },
    http: { rates: [100, 300, 600], seconds: 5, saturationSeconds: 5 },
    rss: { loadRate: 200, loadSeconds: 10 },
    replication: { sequential: 1_000, rate: 100, count: 500, burst: 3_000, inFlight: 32 },
    payloadBytes: 128,
  },
};
