import type { ScenarioContext } from './context';

export interface ScenarioOptions {
  /** Orders each scenario places (its main batch). */
  orders: number;
  /** kafka-down: how long the broker stays down. */
  downSeconds: number;
}

/**
 * A command-line option of one scenario only (`--delay-ms <n>`): a positive integer, or a
 * string when `text` is set. Commander hands it to `run` under its camel-cased long name.
 */
export interface ScenarioFlag {
  flags: string;
  description: string;
  defaultValue?: number | string;
  text?: boolean;
}

/** One lesson: the seed's claim it demonstrates, and the run that shows it. */
export interface Scenario<TOutcome = unknown, TOwnOptions extends object = object> {
  name: string;
  claim: string;
  summary: string;
  /** Options only this scenario takes, beside the shared ones. */
  flags?: readonly ScenarioFlag[];
  run(context: ScenarioContext, options: ScenarioOptions & TOwnOptions): Promise<TOutcome>;
}
