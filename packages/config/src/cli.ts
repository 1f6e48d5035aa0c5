import { InvalidArgumentError } from 'commander';

/** A commander option parser for positive integers (`--events 1000000`), with a clear error. */
export function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}
