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
