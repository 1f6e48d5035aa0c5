/** Rejects when `promise` has not settled within `ms` (the promise itself runs on). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Wraps `load` so that calls made while one is in flight share its result, and the next
 * call after it settled loads afresh. Several gauges collected in one scrape thus ask
 * the broker once, and no scrape ever sees an earlier scrape's numbers.
 */
export function sharedWhileInFlight<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
