import { createHash } from 'node:crypto';

/**
 * ### What `stock.<sku>` holds: the level, and the last changes made to it.
 *
 * `changes` are digests of the operation ids (`stockOperationId`) of the last changes
 * written to this key, oldest first, at most `kept`. They are written in the same
 * compare-and-set as the level they changed, so "is this change in there?" is exactly
 * "was this change made?", whoever made it, whenever, across NATS restarts.
 *
 * Why not JetStream's `Nats-Msg-Id` memory alone: a restarted server rebuilds it from the
 * messages it still stores, and a KV key keeps its last 10 revisions. A busy SKU's
 * earlier changes were forgotten at the restart, and one made again (a release retried
 * because its answer was lost) was applied twice: stock from nowhere, found by the
 * NATS-restart drill. Verified against nats-server 2.9.10 (ADR 0032).
 *
 * The list is bounded, and each entry keeps the revision its change read. When entries
 * fall off, `forgottenThrough` becomes the revision read by the oldest one kept: every
 * dropped change was applied at or before it (the oldest kept change read a value that
 * already held them). A change whose first attempt read the key at a revision at or after
 * `forgottenThrough` read it no earlier than the oldest kept change, so it cannot have been
 * dropped: absent means not made.
 */
export interface StockValue {
  available: number;
  priceCents: number;
  /**
   * The last changes, oldest first: `[digest, revision the change read]`. Absent: written
   * by someone else (a seed, an operator).
   */
  changes?: [string, number][];
  /** Changes applied at or before this revision of the key may be missing from `changes`. */
  forgottenThrough?: number;
}

/** 72 bits of SHA-256: collisions among a few hundred ids are out of reach, and 12 chars each. */
export function changeDigest(operationId: string): string {
  return createHash('sha256').update(operationId).digest('base64url').slice(0, 12);
}

/**
 * Was the change `operationId` made, judging from `value` read at `revision`?
 * `since` is a revision of the key read before the change's first attempt (none: unknown).
 */
export function wasMade(
  value: StockValue,
  revision: number,
  operationId: string,
  since: number | undefined,
): 'made' | 'not-made' | 'unknown' {
  const digest = changeDigest(operationId);
  if (value.changes?.some(([made]) => made === digest)) return 'made';
  // A value without the list says nothing of the changes before it.
  const forgottenThrough = value.changes ? (value.forgottenThrough ?? 0) : revision;
  return since !== undefined && since >= forgottenThrough ? 'not-made' : 'unknown';
}

/** The value after applying `delta` as change `operationId` to `value`, read at `revision`. */
export function withChange(
  value: StockValue,
  revision: number,
  delta: number,
  operationId: string,
  kept: number,
): StockValue {
  const all: [string, number][] = [...(value.changes ?? []), [changeDigest(operationId), revision]];
  const changes = all.slice(Math.max(0, all.length - kept));
  // Dropped: applied at or before the revision the oldest kept change read.
  const forgottenThrough =
    changes.length < all.length
      ? changes[0]![1]
      : value.changes
        ? (value.forgottenThrough ?? 0)
        : revision;
  return {
    available: value.available + delta,
    priceCents: value.priceCents,
    changes,
    forgottenThrough,
  };
}
