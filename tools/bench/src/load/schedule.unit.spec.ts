import {
  intendedOffsetMs,
  nextStep,
  offeredRate,
  planDurationMs,
  type SchedulePlan,
} from './schedule';

describe('the schedule plan', () => {
  it('spaces a steady plan 1000 / rate ms apart', () => {
    const plan: SchedulePlan = { kind: 'steady', rate: 400, count: 5 };
    expect([0, 1, 2, 3, 4].map((i) => intendedOffsetMs(plan, i))).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(planDurationMs(plan)).toBe(10);
    expect(offeredRate(plan)).toBe(400);
  });

  it('sends a burst of `size` messages at the same instant every `everyMs`', () => {
    const plan: SchedulePlan = { kind: 'burst', size: 3, everyMs: 50, count: 7 };
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => intendedOffsetMs(plan, i))).toEqual([
      0, 0, 0, 50, 50, 50, 100,
    ]);
    expect(planDurationMs(plan)).toBe(100);
    expect(offeredRate(plan)).toBe(60);
  });

  it('lasts zero ms when it sends nothing', () => {
    expect(planDurationMs({ kind: 'steady', rate: 10, count: 0 })).toBe(0);
  });
});

describe('the next step, on a fake clock', () => {
  const spin = 2;

  it('sleeps with a timer while the target is beyond the spin window, waking before it', () => {
    expect(nextStep(100, 110.7, spin)).toEqual({ kind: 'sleep', ms: 8 });
  });

  it('yields to the event loop inside the spin window', () => {
    expect(nextStep(109, 110.7, spin)).toEqual({ kind: 'yield' });
    expect(nextStep(110.69, 110.7, spin)).toEqual({ kind: 'yield' });
  });

  it('sends at the target, and at once when late (never skips a late message)', () => {
    expect(nextStep(110.7, 110.7, spin)).toEqual({ kind: 'send' });
    expect(nextStep(150, 110.7, spin)).toEqual({ kind: 'send' });
  });

  it('walks a whole wait: sleeps, then yields, then sends', () => {
    let now = 0;
    const steps: string[] = [];
    for (;;) {
      const step = nextStep(now, 5.5, spin);
      steps.push(step.kind);
      if (step.kind === 'send') break;
      // A timer wakes ~1 ms late; a yield costs a few microseconds.
      now += step.kind === 'sleep' ? step.ms + 1 : 0.5;
    }
    expect(steps).toEqual(['sleep', 'yield', 'yield', 'yield', 'send']);
    expect(now).toBeGreaterThanOrEqual(5.5);
  });
});
