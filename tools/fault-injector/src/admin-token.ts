import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The bearer token of an `Authorization` header, compared with the admin token in constant
 * time (both hashed first, so their lengths leak nothing either). The same rule as the
 * gateway's guard (ADR 0034): the injector does not trust that only the gateway calls it.
 */
export function authorized(header: string | undefined, expected: string): boolean {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}
