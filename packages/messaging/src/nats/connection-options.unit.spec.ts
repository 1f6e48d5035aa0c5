import { newNkeyUser } from './server-authorization';
import { natsConnectionOptions, redactUrl } from './connection-options';

describe('natsConnectionOptions', () => {
  it('given only a URL, when built, then it connects anonymously to every server listed', () => {
    const options = natsConnectionOptions({ NATS_URL: 'nats://a:4222, nats://b:4222' }, 'orders');
    expect(options).toEqual({ servers: ['nats://a:4222', 'nats://b:4222'], name: 'orders' });
  });

  it('given an NKey seed and an inbox prefix, when built, then it signs with the seed', () => {
    const { seed } = newNkeyUser();
    const options = natsConnectionOptions(
      { NATS_URL: 'nats://a:4222', NATS_NKEY_SEED: seed, NATS_INBOX_PREFIX: '_INBOX_orders' },
      'orders',
    );
    expect(typeof options.authenticator).toBe('function');
    expect(options.inboxPrefix).toBe('_INBOX_orders');
    expect(options.user).toBeUndefined();
  });

  it('given a user and a password and TLS files, when built, then all are passed on', () => {
    const options = natsConnectionOptions(
      {
        NATS_URL: 'tls://a:4222',
        NATS_USER: 'orders',
        NATS_PASSWORD: 'pw',
        NATS_TLS_CA: '/ca.pem',
        NATS_TLS_CERT: '/c.pem',
        NATS_TLS_KEY: '/k.pem',
      },
      'orders',
    );
    expect(options).toMatchObject({
      user: 'orders',
      pass: 'pw',
      tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
    });
  });

  it('given two ways to authenticate, or half of a pair, when built, then it refuses', () => {
    const { seed } = newNkeyUser();
    const url = 'nats://a:4222';
    expect(() =>
      natsConnectionOptions(
        { NATS_URL: url, NATS_USER: 'u', NATS_PASSWORD: 'p', NATS_NKEY_SEED: seed },
        'x',
      ),
    ).toThrow('set one of');
    expect(() => natsConnectionOptions({ NATS_URL: url, NATS_USER: 'u' }, 'x')).toThrow(
      'go together',
    );
    expect(() => natsConnectionOptions({ NATS_URL: url, NATS_TLS_CERT: '/c' }, 'x')).toThrow(
      'go together',
    );
  });
});

describe('redactUrl', () => {
  it('given URLs with credentials in a text, when redacted, then only the credentials are gone', () => {
    expect(redactUrl('at nats://svc:s3cret@a:4222,tls://t0ken@b:4222 (refused)')).toBe(
      'at nats://a:4222,tls://b:4222 (refused)',
    );
    expect(redactUrl('nats://a:4222')).toBe('nats://a:4222');
  });
});
