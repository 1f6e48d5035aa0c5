import { lessonContext, sharedOptions } from '../__tests__/lesson-context';
import type { ScenarioContext } from '../context';
import { telemetry } from './telemetry';

describe('telemetry: wildcard aggregators, at-most-once by design', () => {
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    context = await lessonContext();
  });

  afterAll(() => context?.close());

  it('given 3 sites × 4 devices, when the site aggregator is away for a third of the run, then it lost exactly those readings and published that count from its sequence gaps, while the temperature aggregator lost none', async () => {
    const outcome = await telemetry.run(context, {
      ...sharedOptions,
      sites: 3,
      devices: 4,
      rounds: 9,
      intervalMs: 5,
    });

    expect(outcome.publishers).toBe(12);
    expect(outcome.published).toBe(9 * 12 * 2);
    // `telemetry.*.*.temperature`: every device of every site, one metric, all of it.
    expect(outcome.temperature.matching).toBe(9 * 12);
    expect(outcome.temperature.received).toBe(9 * 12);
    expect(outcome.temperature.lostByGaps).toBe(0);
    // `telemetry.site1.>`: both metrics of site1's 4 devices; away for 3 of 9 rounds.
    const away = outcome.site.roundsAway * 4 * 2;
    expect(outcome.site.roundsAway).toBe(3);
    expect(outcome.site.matching).toBe(9 * 4 * 2);
    expect(outcome.site.received).toBe(outcome.site.matching - away);
    expect(outcome.site.lostByGaps).toBe(away);
  });
});
