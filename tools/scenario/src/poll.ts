import { waitFor } from '@switchyard/testkit';

/**
 * Polls `probe` until it returns something other than `undefined`/`false`, or throws
 * with `description` after `timeoutMs`. A scenario waits for a condition it can name:
 * testkit's `waitFor`, with the longer, gentler defaults of a person watching a demo.
 */
export function until<T>(
  description: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  return waitFor(description, probe, { timeoutMs, intervalMs });
}

/** Long reasons (a schema's every issue) cut for a terminal line. */
export function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}
