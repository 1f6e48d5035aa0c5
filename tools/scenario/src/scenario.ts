import type { ScenarioContext } from './context';

export interface ScenarioOptions {
  /** Orders each scenario places (its main batch). */
  orders: number;
  /** kafka-down: how long the broker stays down. */
  downSeconds: number;
}

/** One lesson: the seed's claim it demonstrates, and the run that shows it. */
export interface Scenario<TOutcome = unknown> {
  name: string;
  claim: string;
  summary: string;
  run(context: ScenarioContext, options: ScenarioOptions): Promise<TOutcome>;
}
