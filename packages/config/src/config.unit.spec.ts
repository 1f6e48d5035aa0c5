import { z } from 'zod';
import {
  CommonEnvSchema,
  ConfigError,
  kafkaReplication,
  KafkaTopicsEnvSchema,
  loadConfig,
} from './index';

describe('loadConfig', () => {
  it('given an empty environment, when loaded, then every default works locally', () => {
    const config = loadConfig(CommonEnvSchema, {});
    expect(config).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      KAFKA_BROKERS: ['localhost:9092'],
      SWITCHYARD_NAMESPACE: '',
      LOG_LEVEL: 'info',
      HTTP_PORT: 0,
      JETSTREAM_REPLICAS: 1,
    });
  });

  it('given a broker list, when loaded, then it is split and trimmed', () => {
    const config = loadConfig(CommonEnvSchema, { KAFKA_BROKERS: 'a:9092, b:9092,' });
    expect(config.KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
  });

  it('given several bad settings, when loaded, then every problem is reported at once', () => {
    const schema = CommonEnvSchema.extend({ EXTRA: z.coerce.number().int() });
    let error: unknown;
    try {
      loadConfig(schema, { HTTP_PORT: 'eighty', SWITCHYARD_NAMESPACE: 'Bad.Name', EXTRA: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).problems.map((problem) => problem.split(':')[0]);
    expect(fields.sort()).toEqual(['EXTRA', 'HTTP_PORT', 'SWITCHYARD_NAMESPACE']);
  });
});

describe('NATS settings', () => {
  it('given credentials in NATS_URL, when loaded, then refused without repeating them', () => {
    let error: unknown;
    try {
      loadConfig(CommonEnvSchema, { NATS_URL: 'nats://a:4222,nats://svc:s3cret@b:4222' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('NATS_URL: must not carry credentials');
    expect((error as ConfigError).message).not.toContain('s3cret');
  });

  it('given a seed that is not a user seed, when loaded, then refused', () => {
    expect(() => loadConfig(CommonEnvSchema, { NATS_NKEY_SEED: 'SAxxxx' })).toThrow(
      'NATS_NKEY_SEED: must be an NKey user seed',
    );
  });
});

describe('kafkaReplication', () => {
  it('given an empty environment, when loaded, then one local copy', () => {
    expect(kafkaReplication(loadConfig(KafkaTopicsEnvSchema, {}))).toEqual({
      replicationFactor: 1,
      minInsyncReplicas: 1,
    });
  });

  it('given a cluster setting, when loaded, then it is passed on', () => {
    const env = { KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' };
    expect(kafkaReplication(loadConfig(KafkaTopicsEnvSchema, env))).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
  });
});
