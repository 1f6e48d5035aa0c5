import type { StreamConfig } from '@nats-io/jetstream';

/** One setting of a stream that is not what the topology declares. */
export interface StreamConfigChange {
  field: keyof StreamConfig;
  from: unknown;
  to: unknown;
}

export interface StreamConfigDiff {
  /** What an update will change. */
  changes: StreamConfigChange[];
  /** What JetStream cannot change in place (the stream must be migrated by hand). */
  immutable: StreamConfigChange[];
}

/** Settings JetStream refuses to update (nats-server 2.9: "can not change ..."). */
const IMMUTABLE: ReadonlySet<keyof StreamConfig> = new Set(['retention', 'storage']);

const same = (field: keyof StreamConfig, a: unknown, b: unknown): boolean =>
  field === 'subjects'
    ? JSON.stringify([...((a as string[] | undefined) ?? [])].sort()) ===
      JSON.stringify([...((b as string[] | undefined) ?? [])].sort())
    : a === b;

/**
 * The settings of `wanted` that `current` does not have, split into those an update can
 * change and those it cannot. Only the fields `wanted` names are compared: the rest
 * (JetStream's own defaults, `allow_rollup_hdrs` on a KV bucket…) are left as they are.
 */
export function diffStreamConfig(
  current: Partial<StreamConfig>,
  wanted: Partial<StreamConfig>,
): StreamConfigDiff {
  const diff: StreamConfigDiff = { changes: [], immutable: [] };
  for (const field of Object.keys(wanted) as (keyof StreamConfig)[]) {
    if (field === 'name') continue;
    const change = { field, from: current[field], to: wanted[field] };
    if (same(field, change.from, change.to)) continue;
    (IMMUTABLE.has(field) ? diff.immutable : diff.changes).push(change);
  }
  return diff;
}

/**
 * The changes that would delete stored messages: a `max_bytes` below what the stream
 * holds now. JetStream enforces a lowered `max_bytes` at once by removing the oldest
 * messages, whatever `discard` says (checked on nats-server 2.9.10: 10 messages of 1 KB,
 * `max_bytes` 4 KB with `discard: new` → 3 left). For ORDERS those could be events the
 * bridge has not put on Kafka yet, so such a change is never applied by a start.
 */
export function destructiveChanges(
  changes: readonly StreamConfigChange[],
  storedBytes: number,
): StreamConfigChange[] {
  return changes.filter(
    ({ field, to }) =>
      field === 'max_bytes' && typeof to === 'number' && to > 0 && storedBytes > to,
  );
}

const NANOS_PER_MS = 1_000_000;

/** `max_bytes: -1 (unbounded) → 1 GiB`, `max_age: 1h → 30d`: what an operator reads in a log. */
export function describeStreamChanges(changes: readonly StreamConfigChange[]): string {
  return changes
    .map(({ field, from, to }) => `${field}: ${show(field, from)} → ${show(field, to)}`)
    .join(', ');
}

/** One setting as an operator reads it: `30d`, `1 GiB`, `"new"`. */
export function show(field: keyof StreamConfig, value: unknown): string {
  if (typeof value !== 'number') return JSON.stringify(value) ?? 'unset';
  if (field === 'max_age' || field === 'duplicate_window') {
    return value === 0 ? '0 (no limit)' : duration(value / NANOS_PER_MS);
  }
  if (field === 'max_bytes') return value < 0 ? `${value} (unbounded)` : bytes(value);
  return String(value);
}

function duration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  for (const [unit, size] of units) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function bytes(value: number): string {
  const units: [string, number][] = [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ];
  for (const [unit, size] of units) {
    if (value >= size && value % size === 0) return `${value / size} ${unit}`;
  }
  return `${value} B`;
}
