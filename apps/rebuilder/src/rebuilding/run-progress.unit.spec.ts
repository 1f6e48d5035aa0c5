import { RunProgress } from './run-progress';

describe('RunProgress', () => {
  it('given nothing applied yet, when sampled, then the rate is 0 and the ETA unknown', () => {
    let now = 1_000;
    const progress = new RunProgress(500, () => now);
    now += 2_000;
    expect(progress.snapshot()).toEqual({
      eventsTotal: 500,
      eventsApplied: 0,
      eventsPerSecond: 0,
      etaSeconds: null,
    });
  });

  it('given 300 of 900 records in 2 s, when sampled, then 150 events/s and 4 s left', () => {
    let now = 0;
    const progress = new RunProgress(900, () => now);
    progress.add(100);
    progress.add(200);
    now = 2_000;
    expect(progress.snapshot()).toEqual({
      eventsTotal: 900,
      eventsApplied: 300,
      eventsPerSecond: 150,
      etaSeconds: 4,
    });
  });

  it('given an empty log, when sampled, then it is already done', () => {
    const progress = new RunProgress(0, () => 0);
    expect(progress.snapshot().etaSeconds).toBe(0);
  });
});
