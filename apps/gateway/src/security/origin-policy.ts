/**
 * ### Which pages may send state-changing requests
 *
 * A browser sends `Origin` with every cross-origin request and with every `POST`, so a
 * page on another site that posts a form (or a `fetch` with a "simple" content type, which
 * needs no CORS preflight) to the gateway is recognisable by it. Allowed: the gateway's
 * own origin, as the browser addressed it (`Host`: the dashboard is served from there),
 * and the configured ones. A request without `Origin` is not a browser's cross-site
 * request (curl, a service, a script): it passes, and the admin token still guards
 * `/admin`. `Origin: null` (a sandboxed frame, a `file:` page) is never allowed.
 *
 * What this does not stop: DNS rebinding (a hostile name that resolves to the gateway
 * makes `Origin` and `Host` agree). The bearer token does: such a page never has it.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  const normalised = normaliseOrigin(origin);
  if (normalised === undefined) return false;
  // `Host` is `host[:port]` and nothing else; anything more is not the gateway's own origin.
  const own = host && /^[\w.-]+(:\d{1,5})?$|^\[[\da-f:.]+\](:\d{1,5})?$/i.test(host);
  if (
    own &&
    [`http://${host}`, `https://${host}`].some((url) => normaliseOrigin(url) === normalised)
  )
    return true;
  return allowed.some((entry) => normaliseOrigin(entry) === normalised);
}

/** `scheme://host[:port]` as the URL parser writes it (default ports dropped), or undefined. */
function normaliseOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}
