import { changeDigest, wasMade, withChange, type StockValue } from './stock-value';

const seeded: StockValue = { available: 10, priceCents: 250, changes: [], forgottenThrough: 0 };

/** `count` changes by other orders, the n-th reading revision `from + n` (as a busy key would). */
function changed(value: StockValue, from: number, count: number, kept: number): StockValue {
  let next = value;
  for (let n = 0; n < count; n++)
    next = withChange(next, from + n, -1, `reserve:o${from + n}:SKU`, kept);
  return next;
}

describe('a stock value and its record of changes', () => {
  it('records each change, with the revision it read, in the same value as the level it changed', () => {
    const next = withChange(seeded, 1, -3, 'reserve:o1:SKU', 4);
    expect(next).toEqual({
      available: 7,
      priceCents: 250,
      changes: [[changeDigest('reserve:o1:SKU'), 1]],
      forgottenThrough: 0,
    });
    expect(wasMade(next, 2, 'reserve:o1:SKU', undefined)).toBe('made');
  });

  it('tells a change not made from one forgotten, by the revision read before its first attempt', () => {
    const value = changed(seeded, 1, 5, 4);
    // Five changes (reading revisions 1–5), four kept: the one that read 1 fell off, so
    // whatever was dropped was applied at or before revision 2 (read by the oldest kept).
    expect(value.changes).toHaveLength(4);
    expect(value.forgottenThrough).toBe(2);
    expect(wasMade(value, 6, 'reserve:o1:SKU', 0)).toBe('unknown');
    expect(wasMade(value, 6, 'reserve:o5:SKU', 0)).toBe('made');
    // First attempted at or after revision 2 and not in the record: not made.
    expect(wasMade(value, 6, 'release:o9:SKU', 2)).toBe('not-made');
    // First attempted before it: it may have been among those dropped.
    expect(wasMade(value, 6, 'release:o9:SKU', 1)).toBe('unknown');
    // No revision noted before the first attempt: nothing can be told.
    expect(wasMade(value, 6, 'release:o9:SKU', undefined)).toBe('unknown');
  });

  it('a full record still vouches for a change first attempted after its oldest kept one (a busy key)', () => {
    // 1,000 changes through a record of 256: full, dropping one at every write. A release
    // noted revision 900 before its first attempt, which never happened (NATS went away).
    const busy = changed(seeded, 1, 1_000, 256);
    expect(busy.changes).toHaveLength(256);
    expect(wasMade(busy, 1_001, 'release:o-cut-short:SKU', 900)).toBe('not-made');
    // Seen in the NATS-restart drill before the fix: the bound was the revision the last
    // writer read, so a full record could vouch for nothing, and such give-backs were
    // left out (4 units of DRILL-PLENTY stranded).
    expect(busy.forgottenThrough).toBe(1_000 - 256 + 1);
  });

  it('treats a value written without a record (an operator, an older release) as forgetting everything before it', () => {
    const legacy: StockValue = { available: 10, priceCents: 250 };
    expect(wasMade(legacy, 7, 'release:o1:SKU', 6)).toBe('unknown');
    expect(wasMade(legacy, 7, 'release:o1:SKU', 7)).toBe('not-made');
    const next = withChange(legacy, 7, 2, 'release:o1:SKU', 4);
    expect(next.forgottenThrough).toBe(7);
    expect(wasMade(next, 8, 'release:o2:SKU', 7)).toBe('not-made');
    expect(wasMade(next, 8, 'release:o1:SKU', 7)).toBe('made');
  });
});
