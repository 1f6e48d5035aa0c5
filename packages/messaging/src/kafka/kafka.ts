import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { RunnerLogger } from '../nats/pull-consumer-runner';

/**
 * SASL and TLS towards the brokers (package config's `kafkaSecurity` reads them from the
 * environment). Left out: PLAINTEXT, as on the local broker of `npm run brokers`.
 */
export interface KafkaClientSecurity {
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256'; username: string; password: string };
  /** TLS; `ca` replaces Node's CA list, `cert` + `key` for mutual TLS. */
  ssl?: { ca?: string; cert?: string; key?: string };
}

export interface KafkaConnectOptions {
  clientId: string;
  brokers: string[];
  logger: RunnerLogger;
  security?: KafkaClientSecurity;
}

/**
 * The one place that builds a kafkajs client. kafkajs is unmaintained since 2023, so it
 * stays behind this package (ADR 0002): apps see `EventProducer`, `BatchConsumer` and
 * `KafkaAdmin`, never kafkajs types, and a swap to another client touches only here.
 */
export function createKafka({
  clientId,
  brokers,
  logger,
  security = {},
}: KafkaConnectOptions): Kafka {
  return new Kafka({
    clientId,
    brokers,
    // SCRAM: the password never crosses the wire, only a salted proof of it; the broker
    // maps the login to the principal `User:<username>` its ACLs are written for.
    // (kafkajs types each mechanism apart; ours is one object with a mechanism union.)
    ...(security.sasl && { sasl: { ...security.sasl } as SASLOptions }),
    // kafkajs hands `ssl` to tls.connect: an object of PEM strings, or `true` for Node's CAs.
    ...(security.ssl && {
      ssl: Object.keys(security.ssl).length > 0 ? { ...security.ssl } : true,
    }),
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
