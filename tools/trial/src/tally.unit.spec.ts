import { Tally } from './tally';

describe('Tally', () => {
  it('given two subscribers, when one misses a run of messages, then that run is its loss and its gap', () => {
    const tally = new Tally(2, 6);
    for (let i = 0; i < 6; i++) tally.received(0, i, 1, i);
    for (const i of [0, 1, 4, 5]) tally.received(1, i, 1, i);

    expect(tally.lost(0)).toBe(0);
    expect(tally.lost(1)).toBe(2);
    expect(tally.gaps(1)).toEqual([[2, 3]]);
    expect(tally.complete(() => 6)).toBe(false);
    expect(tally.complete((k) => (k === 1 ? 4 : 6))).toBe(true);
  });

  it('given a redelivery, then it counts as a duplicate and is timed once', () => {
    const tally = new Tally(1, 2);
    tally.received(0, 0, 3, 10);
    tally.received(0, 0, 9, 20);
    tally.received(0, 1, 5, 15);

    expect(tally.duplicates(0)).toBe(1);
    expect(tally.lost(0)).toBe(0);
    expect(tally.latency.summary().count).toBe(2);
    expect(tally.lastDeliveryAt).toBe(15);
  });

  it('given several subscribers, then subscriber 0 (the one taken away) is timed apart', () => {
    const tally = new Tally(2, 1);
    tally.received(0, 0, 1_000, 1);
    tally.received(1, 0, 2, 1);
    expect(tally.latency.summary()).toMatchObject({ count: 1, max: 2 });
    expect(tally.returningLatency.summary()).toMatchObject({ count: 1, max: 1_000 });
  });

  it('refuses a subscriber that does not exist', () => {
    expect(() => new Tally(1, 1).received(1, 0, 1, 1)).toThrow('no subscriber 1');
  });
});
