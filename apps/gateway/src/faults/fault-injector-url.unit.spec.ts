import { GatewayEnvSchema } from '../config';

const parse = (url: string) => GatewayEnvSchema.safeParse({ FAULT_INJECTOR_URL: url });

/** The gateway sends the admin token to the injector: never to another machine. */
describe('FAULT_INJECTOR_URL', () => {
  it('is off unless set (empty counts as unset)', () => {
    expect(GatewayEnvSchema.parse({}).FAULT_INJECTOR_URL).toBeUndefined();
    expect(GatewayEnvSchema.parse({ FAULT_INJECTOR_URL: '' }).FAULT_INJECTOR_URL).toBeUndefined();
  });

  it('accepts the injector on loopback', () => {
    for (const url of ['http://127.0.0.1:3099', 'http://localhost:3099/', 'http://[::1]:3099']) {
      expect(parse(url).success).toBe(true);
    }
  });

  it('refuses another host, https to elsewhere, or something that is not a URL', () => {
    for (const url of [
      'http://10.0.0.7:3099',
      'http://injector.example.com',
      'http://127.0.0.1.example.com:3099',
      'https://evil.example',
      'file:///etc/passwd',
      '127.0.0.1:3099',
    ]) {
      expect(parse(url).success).toBe(false);
    }
  });
});
