import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@switchyard/testkit';

const run = promisify(execFile);

/**
 * ### A Kafka broker the drills own: infra/local/kafka.sh on ports and a dir of its own.
 *
 * The drills stop Kafka for longer than 20 s. The shared broker on :9092 serves every
 * other suite, so the tier starts a second one (`.local/drills/kafka`, :19092/:19093)
 * with the same script the developers use, and the jars `brokers.sh up` already fetched
 * (`KAFKA_LIBS_DIR`), so nothing is downloaded again.
 */
export class DrillKafka {
  readonly port = Number(process.env.DRILL_KAFKA_PORT ?? 19092);
  private readonly controllerPort = Number(process.env.DRILL_KAFKA_CONTROLLER_PORT ?? 19093);

  get brokers(): string {
    return `localhost:${this.port}`;
  }

  up(): Promise<void> {
    return this.script('up');
  }

  down(): Promise<void> {
    return this.script('down');
  }

  private async script(command: 'up' | 'down'): Promise<void> {
    const localDir = join(repoRoot, '.local');
    await run('bash', [join(repoRoot, 'infra', 'local', 'kafka.sh'), command], {
      env: {
        ...process.env,
        SWITCHYARD_LOCAL_DIR: join(localDir, 'drills'),
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
