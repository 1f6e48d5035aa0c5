import { awayWindow, planOf } from './run-transport';
import { resolveShape } from './shape';

const shape = (flags: Record<string, unknown>) => resolveShape(undefined, flags, () => '');

describe('the away window', () => {
  it('given a steady 100 msg/s for 10 s, away for 1 s at 40 %, then messages 400 to 499 are sent while away', () => {
    const s = shape({ rate: 100, duration: 10, disconnect: { at: 0.4, forMs: 1_000 } });
    expect(awayWindow(s, planOf(s))).toEqual({ from: 400, to: 500 });
  });

  it('given bursts of 10 every 100 ms, then the window covers whole bursts', () => {
    const s = shape({
      burst: { size: 10, everyMs: 100 },
      duration: 2,
      disconnect: { at: 0.5, forMs: 250 },
    });
    // Message 100 is the first of the burst at 1,000 ms; back before the burst at 1,300 ms.
    expect(awayWindow(s, planOf(s))).toEqual({ from: 100, to: 130 });
  });

  it('given forMs 0, then nobody leaves', () => {
    const s = shape({ rate: 100, duration: 1, disconnect: { at: 0.5, forMs: 0 } });
    expect(awayWindow(s, planOf(s))).toEqual({ from: 100, to: 100 });
  });
});
