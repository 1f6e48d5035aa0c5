import type { MeasurementResult } from '../measurement';
import type { MachineDescription } from './machine';

/** The whole of `bench-results.json`: one object a script can read without parsing Markdown. */
export interface BenchResults {
  generatedAt: string;
  profile: string;
  command: string;
  durationSeconds: number;
  machine: MachineDescription;
  /** Conditions that make this run's figures less trustworthy (a busy machine, say). */
  warnings: string[];
  measurements: MeasurementResult[];
  /** Measurements that threw: their id, title and error message. */
  failures: { id: string; title: string; error: string }[];
}
