import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaSecurity, type KafkaSecurityEnv, type KafkaSecurity } from '@switchyard/config';
import { childEnv } from './child-env';
import { freePort } from './free-port';
import { repoRoot } from './service-process';

const run = promisify(execFile);

/** A client's TLS variables (`KAFKA_SSL_CA`, `KAFKA_SSL_CERT`, `KAFKA_SSL_KEY`: PEM files). */
export type KafkaClientTlsEnv = Pick<
  KafkaSecurityEnv,
  'KAFKA_SSL' | 'KAFKA_SSL_CA' | 'KAFKA_SSL_CERT' | 'KAFKA_SSL_KEY'
>;

/** TLS on the broker's client listener (kafka.sh's `KAFKA_TLS_*`): PEM files. */
export interface SaslKafkaTls {
  /** The broker's private key (PKCS#8) followed by its certificate chain. */
  keystore: string;
  /** The CA whose client certificates the broker trusts. */
  truststore?: string;
  clientAuth?: 'none' | 'requested' | 'required';
}

/**
 * ### A broker of the suite's own, with SASL/SCRAM and the authorizer on
 *
 * The shared broker on :9092 is PLAINTEXT and serves every other suite, so this file starts
 * one more with `infra/local/kafka.sh` (`KAFKA_SASL=scram`, the developers' script) on two
 * free ports and a fresh directory, with the jars `brokers.sh up` fetched: one broker per
 * run, up in seconds. Passwords are the random ones kafka.sh generated into that
 * directory; each principal logs in with its own file, as a service would. With `tls`, the
 * listener is SASL_SSL (kafka.sh's optional `KAFKA_TLS` mode).
 */
export class SaslKafka {
  private constructor(
    private readonly dir: string,
    private readonly port: number,
    private readonly controllerPort: number,
    private readonly tls: SaslKafkaTls | undefined,
  ) {}

  static async up(options: { tls?: SaslKafkaTls } = {}): Promise<SaslKafka> {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const parent = join(repoRoot, '.local', 'tests');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, 'kafka-sasl-'));
    const broker = new SaslKafka(dir, port, controllerPort, options.tls);
    await broker.script('up');
    return broker;
  }

  get brokers(): string[] {
    return [`localhost:${this.port}`];
  }

  /** Where kafka.sh wrote `principal`'s password (`KAFKA_SASL_PASSWORD_FILE`). */
  passwordFile(principal: string): string {
    return join(this.dir, 'kafka', 'sasl', 'users', principal);
  }

  /**
   * Client settings of `principal`, read through the same config code as a service's;
   * `tls`: its `KAFKA_SSL*` variables, on a broker started with `tls`.
   */
  security(principal: string, password?: string, tls: KafkaClientTlsEnv = {}): KafkaSecurity {
    return kafkaSecurity({
      ...tls,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: principal,
      ...(password === undefined
        ? { KAFKA_SASL_PASSWORD_FILE: this.passwordFile(principal) }
        : { KAFKA_SASL_PASSWORD: password }),
    });
  }

  /**
   * The authorizer's log lines about `principal` being denied (infra/kafka/log4j2.properties
   * logs each denial at INFO). Some kafkajs errors hide the broker's reason: a consumer
   * whose group is not allowed fails with "Failed to find group coordinator".
   */
  denials(principal: string): string[] {
    return this.log()
      .split('\n')
      .filter((line) => line.includes(`Principal = User:${principal} is Denied`));
  }

  /** The broker's log so far (a refused TLS handshake is only told there). */
  log(): string {
    return readFileSync(join(this.dir, 'kafka', 'logs', 'server.log'), 'utf8');
  }

  /**
   * Rotates `principal`'s password as an operator would (docs/security.md, Kafka):
   * a new one in its file, then `kafka.sh scram` sets it on the running broker.
   */
  async rotate(principal: string): Promise<{ old: string; current: string }> {
    const old = readFileSync(this.passwordFile(principal), 'utf8');
    const current = randomBytes(18).toString('base64url');
    writeFileSync(this.passwordFile(principal), current, { mode: 0o600 });
    await this.script('scram', principal);
    return { old, current };
  }

  /** Stops the broker and deletes its directory. */
  async remove(): Promise<void> {
    try {
      await this.script('down');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async script(command: 'up' | 'down' | 'scram', ...args: string[]): Promise<void> {
    await run('bash', [join(repoRoot, 'infra', 'local', 'kafka.sh'), command, ...args], {
      // The allow-listed environment (ADR 0027): nothing from the shell changes the broker.
      env: childEnv({
        SWITCHYARD_LOCAL_DIR: this.dir,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
        KAFKA_LIBS_DIR: join(repoRoot, '.local', 'kafka', 'libs'),
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
        KAFKA_SASL: 'scram',
        ...(this.tls && {
          KAFKA_TLS_KEYSTORE: this.tls.keystore,
          KAFKA_TLS_TRUSTSTORE: this.tls.truststore ?? '',
          KAFKA_TLS_CLIENT_AUTH: this.tls.clientAuth ?? 'none',
        }),
      }),
      timeout: 180_000,
    });
  }
}
