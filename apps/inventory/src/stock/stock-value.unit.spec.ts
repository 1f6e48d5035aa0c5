import { changeDigest, wasMade, withChange, type StockValue } from './stock-value';

const seeded: StockValue = { available: 10, priceCents: 250, changes: [], forgottenThrough: 0 };

describe('a stock value and its record of changes', () => {
  it('records each change in the same value as the level it changed', () => {
    const next = withChange(seeded, 1, -3, 'reserve:o1:SKU', 4);
    expect(next).toEqual({
      available: 7,
      priceCents: 250,
      changes: [changeDigest('reserve:o1:SKU')],
      forgottenThrough: 0,
    });
    expect(wasMade(next, 2, 'reserve:o1:SKU', undefined)).toBe('made');
  });

  it('tells a change not made from one forgotten, by the revision read before its first attempt', () => {
    let value = seeded;
    for (let revision = 1; revision <= 5; revision++)
      value = withChange(value, revision, -1, `reserve:o${revision}:SKU`, 4);
    // Five changes, four kept: the first (applied after revision 1) fell off at revision 5.
    expect(value.changes).toHaveLength(4);
    expect(value.forgottenThrough).toBe(5);
    expect(wasMade(value, 6, 'reserve:o1:SKU', 0)).toBe('unknown');
    expect(wasMade(value, 6, 'reserve:o5:SKU', 0)).toBe('made');
    // First attempted after revision 5 and not in the record: not made.
    expect(wasMade(value, 6, 'release:o9:SKU', 5)).toBe('not-made');
    // First attempted before it: it may have been among those dropped.
    expect(wasMade(value, 6, 'release:o9:SKU', 4)).toBe('unknown');
    // No revision noted before the first attempt: nothing can be told.
    expect(wasMade(value, 6, 'release:o9:SKU', undefined)).toBe('unknown');
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
