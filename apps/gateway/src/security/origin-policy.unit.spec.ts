import { isAllowedOrigin } from './origin-policy';

describe('isAllowedOrigin: who may send state-changing requests', () => {
  const host = 'localhost:3000';

  it("given the gateway's own origin (the dashboard's page), then it is allowed", () => {
    expect(isAllowedOrigin('http://localhost:3000', host, [])).toBe(true);
  });

  it('given no Origin (curl, a script, a service), then it is allowed', () => {
    expect(isAllowedOrigin(undefined, host, [])).toBe(true);
  });

  it('given another site, another port of the same host, or `null`, then it is refused', () => {
    expect(isAllowedOrigin('https://evil.example', host, [])).toBe(false);
    expect(isAllowedOrigin('http://localhost:8080', host, [])).toBe(false);
    expect(isAllowedOrigin('null', host, [])).toBe(false);
    expect(isAllowedOrigin('file://', host, [])).toBe(false);
  });

  it('given a configured origin, then it is allowed, written with or without its default port', () => {
    const allowed = ['https://ops.example.com'];
    expect(isAllowedOrigin('https://ops.example.com', host, allowed)).toBe(true);
    expect(isAllowedOrigin('https://ops.example.com:443', host, allowed)).toBe(true);
    expect(isAllowedOrigin('https://ops.example.com.evil.example', host, allowed)).toBe(false);
  });

  it('given a host header that tries to smuggle a path, then nothing but an exact origin matches', () => {
    expect(isAllowedOrigin('http://localhost:3000', 'localhost:3000/x', [])).toBe(false);
  });
});
