import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv, freePort, repoRoot } from '@switchyard/testkit';

const run = promisify(execFile);

export interface DrillKafkaOptions {
  /** Client port. */
  port: number;
  /** KRaft controller port. */
  controllerPort: number;
  /** State dir of this broker (`kafka/` goes inside): data, logs, pid file. */
  dir: string;
}

/**
 * ### A Kafka broker the drills own: infra/local/kafka.sh on ports and a dir of its own.
 *
 * The drills stop Kafka for longer than 20 s. The shared broker on :9092 serves every
 * other suite, so each drill file starts a broker of its own with the same script the
 * developers use, and the jars `brokers.sh up` already fetched (`KAFKA_LIBS_DIR`), so
 * nothing is downloaded again. `create()` gives it two free ports and a fresh directory
 * under `.local/drills/`: two runs (a developer's beside CI's, or two drill files) never
 * share a port or a data dir, and a broker formatted for other ports is never reused.
 */
export class DrillKafka {
  private constructor(private readonly options: DrillKafkaOptions) {}

  /** Free ports, a new dir; nothing started yet (`up()`). */
  static async create(label: string): Promise<DrillKafka> {
    const port = await freePort();
    let controllerPort = await freePort();
    // The OS may hand the same free port out twice in a row; kafka.sh refuses equal ports.
    while (controllerPort === port) controllerPort = await freePort();
    const parent = join(repoRoot, '.local', 'drills');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, `${label}-`));
    return new DrillKafka({ port, controllerPort, dir });
  }

  get port(): number {
    return this.options.port;
  }

  get brokers(): string {
    return `localhost:${this.options.port}`;
  }

  /** Starts the broker (a no-op when it already answers). */
  up(): Promise<void> {
    return this.script('up');
  }

  /** SIGTERM, then SIGKILL after kafka.sh's timeout; waits for the exit. */
  down(): Promise<void> {
    return this.script('down');
  }

  /**
   * Stops the broker and deletes its directory; its server log is kept in
   * `test-artifacts/` first, for the post-mortem of a failed run. Safe to call when the
   * broker never started.
   */
  async remove(artifacts: string): Promise<void> {
    try {
      await this.down();
    } finally {
      const log = join(this.options.dir, 'kafka', 'logs', 'server.log');
      if (existsSync(log)) {
        mkdirSync(artifacts, { recursive: true });
        copyFileSync(log, join(artifacts, `drill-kafka-${this.options.port}.log`));
      }
      rmSync(this.options.dir, { recursive: true, force: true });
    }
  }

  private async script(command: 'up' | 'down'): Promise<void> {
    await run('bash', [join(repoRoot, 'infra', 'local', 'kafka.sh'), command], {
      // The allow-listed environment (ADR 0027): a KAFKA_BIND_HOST, KAFKA_JVM_OPTS or
      // KAFKA_START_TIMEOUT left in the shell must not change the drill's broker.
      env: childEnv({
        SWITCHYARD_LOCAL_DIR: this.options.dir,
        KAFKA_PORT: String(this.options.port),
        KAFKA_CONTROLLER_PORT: String(this.options.controllerPort),
        KAFKA_LIBS_DIR: join(repoRoot, '.local', 'kafka', 'libs'),
        // Two brokers on a 2-core machine: the drill's needs little heap.
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
      }),
      timeout: 180_000,
    });
  }
}
