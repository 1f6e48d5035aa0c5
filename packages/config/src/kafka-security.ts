import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors';

/**
 * ### How a service proves who it is to Kafka, and how it trusts the broker
 *
 * Every variable is optional: with none set, clients speak PLAINTEXT, as the local broker
 * of `npm run brokers` does. `infra/local/kafka.sh` with `KAFKA_SASL=scram` starts a broker
 * that accepts only SASL/SCRAM-SHA-512 and checks every request against ACLs; each service
 * then connects as its own principal (ADR 0035). The password is read from the variable or,
 * better, from a file (`KAFKA_SASL_PASSWORD_FILE`, a mounted secret), and is never logged:
 * configuration errors name the variable, never its value.
 */
export const KafkaSecurityEnvSchema = z.object({
  /** SCRAM only: PLAIN would send the password itself, and in clear without TLS. */
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256']).optional(),
  /** The service's principal (`User:<name>` in the ACLs). */
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** A file holding the password (a Docker or Kubernetes secret); wins over the variable. */
  KAFKA_SASL_PASSWORD_FILE: z.string().min(1).optional(),
  /** TLS to the brokers; implied by any `KAFKA_SSL_*` file below. */
  KAFKA_SSL: z.stringbool().optional(),
  /** PEM file of the CA that signed the brokers' certificates (else Node's CA list). */
  KAFKA_SSL_CA: z.string().min(1).optional(),
  /** PEM certificate and key of the client, for brokers that require mutual TLS. */
  KAFKA_SSL_CERT: z.string().min(1).optional(),
  KAFKA_SSL_KEY: z.string().min(1).optional(),
});

export type KafkaSecurityEnv = z.infer<typeof KafkaSecurityEnvSchema>;

/** What `createKafka` (package messaging) needs; nothing set = PLAINTEXT. */
export interface KafkaSecurity {
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256'; username: string; password: string };
  ssl?: { ca?: string; cert?: string; key?: string };
}

/**
 * The parsed variables as client options: files read, combinations checked. Called once at
 * start-up, so a missing file or a username without a password stops the service there,
 * with every problem listed, instead of failing on the first request to Kafka.
 */
export function kafkaSecurity(env: KafkaSecurityEnv): KafkaSecurity {
  const problems: string[] = [];
  const read = (variable: string, path: string | undefined): string | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      problems.push(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  };
  const security: KafkaSecurity = {};

  const fromFile = read('KAFKA_SASL_PASSWORD_FILE', env.KAFKA_SASL_PASSWORD_FILE)?.trim();
  const password = fromFile ?? env.KAFKA_SASL_PASSWORD;
  const saslSet = [env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME, password];
  if (saslSet.every((value) => value !== undefined && value !== '')) {
    security.sasl = {
      mechanism: env.KAFKA_SASL_MECHANISM!,
      username: env.KAFKA_SASL_USERNAME!,
      password: password!,
    };
  } else if (saslSet.some((value) => value !== undefined)) {
    if (!env.KAFKA_SASL_MECHANISM) problems.push('KAFKA_SASL_MECHANISM: required with SASL');
    if (!env.KAFKA_SASL_USERNAME) problems.push('KAFKA_SASL_USERNAME: required with SASL');
    if (!password && !env.KAFKA_SASL_PASSWORD_FILE)
      problems.push('KAFKA_SASL_PASSWORD: required with SASL (or KAFKA_SASL_PASSWORD_FILE)');
    else if (fromFile === '') problems.push('KAFKA_SASL_PASSWORD_FILE: the file is empty');
  }

  const files = {
    ca: read('KAFKA_SSL_CA', env.KAFKA_SSL_CA),
    cert: read('KAFKA_SSL_CERT', env.KAFKA_SSL_CERT),
    key: read('KAFKA_SSL_KEY', env.KAFKA_SSL_KEY),
  };
  if ((env.KAFKA_SSL_CERT === undefined) !== (env.KAFKA_SSL_KEY === undefined))
    problems.push('KAFKA_SSL_CERT: and KAFKA_SSL_KEY go together (mutual TLS)');
  const anyFile = [env.KAFKA_SSL_CA, env.KAFKA_SSL_CERT, env.KAFKA_SSL_KEY].some(Boolean);
  if (env.KAFKA_SSL === false && anyFile)
    problems.push('KAFKA_SSL: false, but KAFKA_SSL_* files are set');
  else if (env.KAFKA_SSL === true || anyFile)
    security.ssl = Object.fromEntries(
      Object.entries(files).filter(([, value]) => value !== undefined),
    );

  if (problems.length > 0) throw new ConfigError(problems);
  return security;
}

/** Brokers and security, as `createKafka` and `KafkaModule.forRoot` take them. */
export function kafkaConnection(env: KafkaSecurityEnv & { KAFKA_BROKERS: string[] }): {
  brokers: string[];
  security: KafkaSecurity;
} {
  return { brokers: env.KAFKA_BROKERS, security: kafkaSecurity(env) };
}
