import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaSecurity, type KafkaSecurity } from '@switchyard/config';
import { childEnv, repoRoot } from '@switchyard/testkit';

const run = promisify(execFile);

/** A TCP port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * ### A broker of the suite's own, with SASL/SCRAM and the authorizer on
 *
 * The shared broker on :9092 is PLAINTEXT and serves every other suite, so this file starts
 * one more with `infra/local/kafka.sh` (`KAFKA_SASL=scram`, the developers' script) on two
 * free ports and a fresh directory, with the jars `brokers.sh up` fetched: one broker per
 * run, up in seconds. Passwords are the random ones kafka.sh generated into that
 * directory; each principal logs in with its own file, as a service would.
 */
export class SaslKafka {
  private constructor(
    private readonly dir: string,
    private readonly port: number,
    private readonly controllerPort: number,
  ) {}

  static async up(): Promise<SaslKafka> {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const parent = join(repoRoot, '.local', 'tests');
    mkdirSync(parent, { recursive: true });
    const broker = new SaslKafka(mkdtempSync(join(parent, 'kafka-sasl-')), port, controllerPort);
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

  /** Client settings of `principal`, read through the same config code as a service's. */
  security(principal: string, password?: string): KafkaSecurity {
    return kafkaSecurity({
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
    const log = join(this.dir, 'kafka', 'logs', 'server.log');
    return readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.includes(`Principal = User:${principal} is Denied`));
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
      }),
      timeout: 180_000,
    });
  }
}
