/** A target on a ratio: `<=` for "ours may cost at most this much", `>=` for "at least this fast". */
export interface Target {
  op: '<=' | '>=';
  limit: number;
}

export interface Ratio {
  /** What is divided by what, in words, e.g. "NestJS p99 ÷ raw p99". */
  label: string;
  numerator: number;
  denominator: number;
  value: number;
  target?: Target;
  /** Present when a target is: whether this run met it. */
  met?: boolean;
}

/** `numerator ÷ denominator`, checked against `target` when one is given. */
export function ratio(
  label: string,
  numerator: number,
  denominator: number,
  target?: Target,
): Ratio {
  const value = denominator === 0 ? Number.NaN : numerator / denominator;
  const result: Ratio = { label, numerator, denominator, value };
  if (target) {
    result.target = target;
    result.met = meets(value, target);
  }
  return result;
}

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  return target.op === '<=' ? value <= target.limit : value >= target.limit;
}
