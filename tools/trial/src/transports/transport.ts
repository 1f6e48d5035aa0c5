import type { BenchTopology } from '@switchyard/contracts';
import type { Shape } from '../shape';
import type { TrialEnv } from '../env';

/** Called for every message a consumer of fan-out subscriber `subscriber` receives. */
export type Deliver = (subscriber: number, index: number) => void;

/**
 * ### One bus, set up for a shape: the three implementations are core, jetstream, kafka.
 *
 * Subscriber `k` (0 ≤ k < fanout) gets every message, shared by `consumers` competing
 * consumers. Subscriber 0 is the one taken away mid-run (`detach`, then `reattach`).
 */
export interface TransportSession {
  /** What this bus promises a subscriber that is away: the delivery dimension. */
  readonly delivery: 'at-most-once' | 'at-least-once';
  /** What it keeps for replay under this shape's retention: the retention dimension. */
  readonly retention: string;
  /** How the fan-out and the competing consumers are built on it: the fan-out dimension. */
  readonly fanout: string;
  /** The broker's TCP port, to find its process for CPU and memory. */
  readonly brokerPort: number;
  /** Subscribes everything; resolves once every consumer can receive. */
  start(deliver: Deliver): Promise<void>;
  /** Sends one message; resolves when the bus has accepted it (at once for core NATS). */
  publish(body: string): Promise<void>;
  /**
   * Takes subscriber 0 away (all its consumers); brings it back. Synchronous where the bus
   * allows (core NATS), so the caller knows exactly which publishes happened in between.
   */
  detach(): void | Promise<void>;
  reattach(): void | Promise<void>;
  /** Stops every consumer, deletes what the run created, closes connections. */
  close(): Promise<void>;
}

export interface SessionContext {
  shape: Shape;
  names: BenchTopology;
  env: TrialEnv;
  /** Retention in ms (0: none, Infinity: forever). */
  retentionMs: number;
}

/** The index of a message from its JSON body (`{"i":…,"p":…}`). */
export function indexOf(body: string): number {
  return (JSON.parse(body) as { i: number }).i;
}

/** The port of the first address of a comma-separated list of `host:port` or URLs. */
export function portOf(address: string, fallback: number): number {
  const first = address.split(',')[0]!.trim();
  const port = /:(\d+)\/?$/.exec(first)?.[1];
  return port ? Number(port) : fallback;
}
