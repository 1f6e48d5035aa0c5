import { bearerToken, tokensMatch } from './admin-token';

describe('tokensMatch: the admin token, compared in constant time', () => {
  const expected = 'x'.repeat(40);

  it('given the configured token, then it matches', () => {
    expect(tokensMatch('x'.repeat(40), expected)).toBe(true);
  });

  it('given a wrong token of the same length, a prefix, a longer one or nothing, then none matches (and none throws)', () => {
    expect(tokensMatch(`${'x'.repeat(39)}y`, expected)).toBe(false);
    expect(tokensMatch('x'.repeat(39), expected)).toBe(false);
    expect(tokensMatch('x'.repeat(41), expected)).toBe(false);
    expect(tokensMatch('', expected)).toBe(false);
  });

  it('given a token that differs only in a non-ASCII character, then it does not match', () => {
    expect(tokensMatch(`${'x'.repeat(39)}é`, `${'x'.repeat(39)}e`)).toBe(false);
  });
});

describe('bearerToken: the token of an Authorization header', () => {
  it('reads `Bearer <token>`, whatever the case of the scheme', () => {
    expect(bearerToken('Bearer abc.DEF-123')).toBe('abc.DEF-123');
    expect(bearerToken('bearer abc')).toBe('abc');
  });

  it('given another scheme, an empty token or no header, then there is none', () => {
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer two words')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
