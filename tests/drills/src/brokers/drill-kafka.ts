import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@switchyard/testkit';

const run = promisify(execFile);

export interface DrillKafkaOptions {
  /** Client port; default `DRILL_KAFKA_PORT` or 19092. */
  port?: number;
  /** KRaft controller port; default `DRILL_KAFKA_CONTROLLER_PORT` or 19093. */
  controllerPort?: number;
  /** State dir under `.local/` (`kafka/` goes inside); default `drills`. */
  dir?: string;
}

/**
 * ### A Kafka broker the drills own: infra/local/kafka.sh on ports and a dir of its own.
 *
 * The drills stop Kafka for longer than 20 s. The shared broker on :9092 serves every
 * other suite, so the tier starts a second one (`.local/drills/kafka`, :19092/:19093)
 * with the same script the developers use, and the jars `brokers.sh up` already fetched
 * (`KAFKA_LIBS_DIR`), so nothing is downloaded again. Another drill file gives its own
 * ports and dir (free ports from `freePort()`), so two drill systems never share a broker.
 */
export class DrillKafka {
  readonly port: number;
  private readonly controllerPort: number;
  private readonly dir: string;

  constructor(options: DrillKafkaOptions = {}) {
    this.port = options.port ?? Number(process.env.DRILL_KAFKA_PORT ?? 19092);
    this.controllerPort =
      options.controllerPort ?? Number(process.env.DRILL_KAFKA_CONTROLLER_PORT ?? 19093);
    this.dir = options.dir ?? 'drills';
  }

  get brokers(): string {
    return `localhost:${this.port}`;
  }

  up(): Promise<void> {
    return this.script('up');
  }

  down(): Promise<void> {
    return this.script('down');
  }

  /** Down, then delete the broker's data and logs (a drill whose ports change every run). */
  reset(): Promise<void> {
    return this.script('reset');
  }

  private async script(command: 'up' | 'down' | 'reset'): Promise<void> {
    const localDir = join(repoRoot, '.local');
    await run('bash', [join(repoRoot, 'infra', 'local', 'kafka.sh'), command], {
      env: {
        ...process.env,
        SWITCHYARD_LOCAL_DIR: join(localDir, this.dir),
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
        KAFKA_LIBS_DIR: join(localDir, 'kafka', 'libs'),
        // Two brokers on a 2-core machine: the drill's needs little heap.
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
      },
      timeout: 180_000,
    });
  }
}
