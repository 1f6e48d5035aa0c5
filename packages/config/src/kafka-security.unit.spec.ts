import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommonEnvSchema, ConfigError, kafkaConnection, kafkaSecurity, loadConfig } from './index';

const load = (env: Record<string, string>) => kafkaSecurity(loadConfig(CommonEnvSchema, env));

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('kafkaSecurity', () => {
  it('given no Kafka security variable, when loaded, then PLAINTEXT as before', () => {
    expect(kafkaConnection(loadConfig(CommonEnvSchema, {}))).toEqual({
      brokers: ['localhost:9092'],
      security: {},
    });
  });

  it('given SCRAM with a password, when loaded, then the client logs in with it', () => {
    const env = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'bridge',
      KAFKA_SASL_PASSWORD: 'pw-from-env',
    };
    expect(load(env)).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'bridge', password: 'pw-from-env' },
    });
  });

  it('given a password file, when loaded, then it wins over the variable, without its newline', () => {
    const env = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'bridge',
      KAFKA_SASL_PASSWORD: 'stale',
      KAFKA_SASL_PASSWORD_FILE: file('password', 'from-the-secret\n'),
    };
    expect(load(env).sasl?.password).toBe('from-the-secret');
  });

  it('given half a SASL setting, when loaded, then every missing part is named and no value is shown', () => {
    const problems = problemsOf(() =>
      load({ KAFKA_SASL_USERNAME: 'bridge', KAFKA_SASL_PASSWORD_FILE: join(dir, 'absent') }),
    );
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD_FILE',
    ]);
  });

  it('given a wrong mechanism, when loaded, then the variable is refused without echoing the secret', () => {
    const problems = problemsOf(() =>
      load({
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 's3cret',
      }),
    );
    expect(problems.join('\n')).toMatch(/^KAFKA_SASL_MECHANISM/);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('given a CA file, when loaded, then TLS is on and trusts that CA', () => {
    const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    expect(load({ KAFKA_SSL_CA: ca })).toEqual({ ssl: { ca: '-----BEGIN CERTIFICATE-----\n' } });
  });

  it('given KAFKA_SSL=true alone, when loaded, then TLS with the system CAs', () => {
    expect(load({ KAFKA_SSL: 'true' })).toEqual({ ssl: {} });
  });

  it('given a client certificate without its key, when loaded, then it is refused', () => {
    const problems = problemsOf(() => load({ KAFKA_SSL_CERT: file('cert.pem', 'c') }));
    expect(problems).toEqual(['KAFKA_SSL_CERT: and KAFKA_SSL_KEY go together (mutual TLS)']);
  });
});
