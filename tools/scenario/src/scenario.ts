import type { ScenarioContext } from './context';

export interface ScenarioOptions {
  /** Orders each scenario places (its main batch). */
  orders: number;
  /** kafka-down: how long the broker stays down. */
  downSeconds: number;
}

/**
 * A flag of one scenario's own subcommand: a positive integer (`--messages <n>`), or a
 * string when `text` is set (`--cluster-nats <urls>`).
 */
export interface ScenarioFlag {
  /** Commander's spelling, e.g. `--messages <n>`; the option's key is its camelCase. */
  flags: string;
  description: string;
  defaultValue: number | string;
  text?: boolean;
}

/** One lesson: the seed's claim it demonstrates, and the run that shows it. */
export interface Scenario<TOutcome = unknown, TOptions extends ScenarioOptions = ScenarioOptions> {
  name: string;
  claim: string;
  summary: string;
  /** Talks to the brokers directly, with names of its own: needs no running demo. */
  standalone?: boolean;
  /** Options of this scenario alone, shown by `npm run scenario -- <name> --help`. */
  flags?: readonly ScenarioFlag[];
  run(context: ScenarioContext, options: TOptions): Promise<TOutcome>;
}
