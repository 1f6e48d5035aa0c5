import { childEnv } from './child-env';
import { testAdminToken, testEnv } from './environment';

describe('childEnv: what a process started by a test inherits', () => {
  const shell = {
    PATH: '/usr/bin',
    HOME: '/home/dev',
    NODE_OPTIONS: '--enable-source-maps',
    NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    ORDERS_PAYMENT_TIMEOUT_MS: '5',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    SWITCHYARD_NAMESPACE: 'someone-elses',
    NATS_URL: 'nats://elsewhere:4222',
  };

  it('given a shell with settings of its own, then only the allow-list and the brokers reach the child', () => {
    expect(childEnv({}, shell)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/dev',
      NODE_OPTIONS: '--enable-source-maps',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
      NATS_URL: testEnv.NATS_URL,
      KAFKA_BROKERS: testEnv.KAFKA_BROKERS.join(','),
      DATABASE_URL: testEnv.DATABASE_URL,
      ADMIN_TOKEN: testAdminToken,
      RATE_LIMIT_MAX: '1000000',
    });
  });

  it("given the test's own env, then it is passed and wins over everything else", () => {
    const env = childEnv(
      { SWITCHYARD_NAMESPACE: 'mine', NATS_URL: 'nats://127.0.0.1:4333', PATH: '/opt/bin' },
      shell,
    );
    expect(env).toMatchObject({
      SWITCHYARD_NAMESPACE: 'mine',
      NATS_URL: 'nats://127.0.0.1:4333',
      PATH: '/opt/bin',
    });
    expect(env).not.toHaveProperty('ORDERS_PAYMENT_TIMEOUT_MS');
    expect(env).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
