import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { childEnv, freePort, repoRoot, waitFor } from '@switchyard/testkit';

const run = promisify(execFile);
const artifacts = join(repoRoot, 'test-artifacts');

/**
 * ### What `npm run demo` sets up for its faults, on ports and a dir of the test's own
 *
 * A Kafka broker started with `infra/local/kafka.sh` (the one the injector stops; never the
 * shared one on :9092, which every other suite uses), the bridge under
 * `infra/local/supervise.sh` (as demo.sh runs it), and `tools/fault-injector` with the
 * same variables demo.sh gives it.
 */
export class FaultDemo {
  private readonly children: ChildProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly kafkaPort: number,
    /** kafka.sh's variables for this broker: the test's `up`, and the injector's `down`/`up`. */
    readonly kafkaEnv: Record<string, string>,
  ) {}

  /** Free ports, a fresh dir under `.local/tests/`, and the broker up. */
  static async withKafka(): Promise<FaultDemo> {
    const port = await freePort();
    let controllerPort = await freePort();
    while (controllerPort === port) controllerPort = await freePort();
    const parent = join(repoRoot, '.local', 'tests');
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(join(parent, 'faults-'));
    const demo = new FaultDemo(dir, port, {
      SWITCHYARD_LOCAL_DIR: dir,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_LIBS_DIR: join(repoRoot, '.local', 'kafka', 'libs'),
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
    });
    await demo.kafka('up');
    return demo;
  }

  get kafkaBrokers(): string {
    return `localhost:${this.kafkaPort}`;
  }

  get bridgePidfile(): string {
    return join(this.dir, 'bridge.pid');
  }

  /** `kafka.sh status` succeeds: a broker answers on the port. */
  kafkaAnswers(): Promise<boolean> {
    return this.kafka('status').then(
      () => true,
      () => false,
    );
  }

  /** The bridge, restarted `restartSeconds` after it dies, its pid in `bridgePidfile`. */
  async startSupervisedBridge(
    env: Record<string, string>,
    restartSeconds: number,
  ): Promise<number> {
    const script = join(repoRoot, 'infra', 'local', 'supervise.sh');
    const main = join(repoRoot, 'apps', 'bridge', 'dist', 'main.js');
    this.spawnLogged(
      'bridge-supervised',
      'bash',
      [script, this.bridgePidfile, String(restartSeconds), process.execPath, main],
      childEnv({ HTTP_PORT: '0', LOG_LEVEL: 'info', ...env }),
    );
    return waitFor('the supervised bridge has a pid', () => this.bridgePid());
  }

  /** The pid the supervisor wrote, if that process runs. */
  bridgePid(): number | undefined {
    try {
      const pid = Number.parseInt(readFileSync(this.bridgePidfile, 'utf8').trim(), 10);
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  /** The injector, configured as demo.sh configures it; resolves with its URL. */
  async startInjector(settings: Record<string, string>): Promise<string> {
    const port = await freePort();
    const lines: string[] = [];
    const child = this.spawnLogged(
      'fault-injector',
      process.execPath,
      [join(repoRoot, 'tools', 'fault-injector', 'dist', 'main.js')],
      childEnv({
        ...this.kafkaEnv,
        FAULTS_PORT: String(port),
        FAULTS_BRIDGE_PIDFILE: this.bridgePidfile,
        ...settings,
      }),
    );
    child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    await waitFor('the fault injector is ready', () =>
      lines.join('').includes('fault injector ready'),
    );
    return `http://127.0.0.1:${port}`;
  }

  /** Stops the supervisor (and so the bridge), the injector and the broker; keeps its log. */
  async remove(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    try {
      await this.kafka('down');
    } finally {
      mkdirSync(artifacts, { recursive: true });
      const log = join(this.dir, 'kafka', 'logs', 'server.log');
      await run('cp', [log, join(artifacts, `faults-kafka-${this.kafkaPort}.log`)]).catch(
        () => undefined,
      );
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async kafka(command: 'up' | 'down' | 'status'): Promise<void> {
    await run('bash', [join(repoRoot, 'infra', 'local', 'kafka.sh'), command], {
      env: childEnv(this.kafkaEnv),
      timeout: 180_000,
    });
  }

  private spawnLogged(
    label: string,
    command: string,
    args: string[],
    env: Record<string, string>,
  ): ChildProcess {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    mkdirSync(artifacts, { recursive: true });
    const log = createWriteStream(join(artifacts, `${label}-${child.pid}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    this.children.push(child);
    return child;
  }
}
