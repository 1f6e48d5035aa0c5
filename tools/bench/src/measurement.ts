import type { Ratio } from './stats/ratios';
import type { Profile } from './profile';

/** Named figures of one side; the unit is in the name (`…Ms`, `…PerSec`, `…Mb`). */
export type Figures = Record<string, number>;

/**
 * What every measurement returns: our path and its raw-client twin, measured in the same
 * run, and the ratios between them. `bench-results.json` is an array of these.
 */
export interface MeasurementResult {
  id: string;
  title: string;
  /** What "ours" and "raw" were in this measurement, in words. */
  oursLabel: string;
  rawLabel: string;
  ours: Figures;
  raw: Figures;
  ratios: Record<string, Ratio>;
  settings: Record<string, string | number | boolean>;
  /** Observations worth reading next to the figures (noise, caveats, where time goes). */
  notes: string[];
}

export interface BenchContext {
  profile: Profile;
  log(message: string): void;
}

export interface Measurement {
  id: string;
  title: string;
  run(context: BenchContext): Promise<MeasurementResult>;
}
