import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * ### Comparing a presented token with the configured one, in constant time
 *
 * `presented === expected` returns at the first differing character, so how long a wrong
 * guess takes tells an attacker how many leading characters were right: measured over
 * many requests, that recovers a token one character at a time. `timingSafeEqual` looks
 * at every byte whatever they hold, but it throws on inputs of different lengths (which
 * would leak the length instead). Hashing both sides first gives two 32-byte digests: the
 * comparison costs the same for every guess, whatever its length.
 */
export function tokensMatch(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750: the scheme is
 * case-insensitive), or `undefined` when there is no such header.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(authorization ?? '');
  return match?.[1];
}
