import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { RunnerLogger } from '../nats/pull-consumer-runner';

export interface KafkaConnectOptions {
  clientId: string;
  brokers: string[];
  logger: RunnerLogger;
}

/**
 * The one place that builds a kafkajs client. kafkajs is unmaintained since 2023, so it
 * stays behind this package (ADR 0002): apps see `EventProducer`, `BatchConsumer` and
 * `KafkaAdmin`, never kafkajs types, and a swap to another client touches only here.
 */
export function createKafka({ clientId, brokers, logger }: KafkaConnectOptions): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3_000,
    // kafkajs retries each request with exponential backoff; a broker restart takes
    // seconds, so allow ~30 s before an operation fails upward.
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const line = `[kafkajs] ${message} ${JSON.stringify(extra)}`;
        if (level <= logLevel.ERROR) logger.error(line);
        else logger.warn(line);
      },
  });
}
