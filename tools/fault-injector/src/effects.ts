import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { InjectorEnv } from './config';
import type { FaultEffects } from './fault-runner';

const run = promisify(execFile);

/** The repository's scripts, from `tools/fault-injector/dist/`: nothing else is ever run. */
const KAFKA_SH = join(__dirname, '..', '..', '..', 'infra', 'local', 'kafka.sh');
/** What a bridge's command line contains: a recycled pid in the pid file is never killed. */
const BRIDGE_MAIN = join('apps', 'bridge', 'dist', 'main.js');
const POLL_MS = 200;

/**
 * ### The faults, for real
 *
 * Kafka: the developers' own `kafka.sh down` / `up` with the injector's environment (the
 * demo's broker: its dir and ports), minus the admin token. `down` stops only a broker
 * that `kafka.sh up` started in that dir (its pid file), and `up` returns once it serves.
 *
 * The bridge: SIGKILL to the pid `infra/local/supervise.sh` wrote, after checking that this
 * pid is a bridge. The injector never starts a bridge: the supervisor does, as
 * Kubernetes' restart policy or systemd would, after its delay.
 */
export function realEffects(env: InjectorEnv): FaultEffects {
  const scriptEnv = { ...process.env };
  delete scriptEnv.ADMIN_TOKEN;
  const kafka = (command: 'up' | 'down' | 'status') =>
    run('bash', [KAFKA_SH, command], { env: scriptEnv, timeout: 300_000 });
  const pidfile = env.FAULTS_BRIDGE_PIDFILE;
  return {
    async stopKafka() {
      await kafka('down');
      // `down` leaves alone a broker it did not start (and exits 0): then nothing stopped,
      // and the page must not say "Kafka is down". `status` exits 3 when nothing answers.
      const stillUp = await kafka('status').then(
        () => true,
        () => false,
      );
      if (stillUp)
        throw new Error('a broker kafka.sh did not start answers on its port: nothing was stopped');
    },
    async startKafka() {
      await kafka('up');
    },
    async killBridge() {
      if (pidfile === undefined) throw new Error('no bridge pid file configured');
      const pid = await bridgePid(pidfile);
      if (pid === undefined) throw new Error(`no bridge running (pid file ${pidfile})`);
      process.kill(pid, 'SIGKILL');
      while (await isBridge(pid)) await sleep(POLL_MS);
      return pid;
    },
    async bridgeRestarted(killedPid) {
      if (pidfile === undefined) throw new Error('no bridge pid file configured');
      const deadline =
        Date.now() +
        (env.FAULTS_BRIDGE_RESTART_SECONDS + env.FAULTS_RECOVERY_TIMEOUT_SECONDS) * 1000;
      while (Date.now() < deadline) {
        const pid = await bridgePid(pidfile);
        if (pid !== undefined && pid !== killedPid) return;
        await sleep(POLL_MS);
      }
      throw new Error(
        `no new bridge after ${env.FAULTS_RECOVERY_TIMEOUT_SECONDS} s: is the demo's supervisor running?`,
      );
    },
    sleep: (ms) => sleep(ms),
    now: () => Date.now(),
  };
}

/** The pid in `pidfile` if that process runs and is a bridge. */
async function bridgePid(pidfile: string): Promise<number | undefined> {
  const text = await readFile(pidfile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 1 && (await isBridge(pid)) ? pid : undefined;
}

/** `pid` runs (not a zombie) and its command line is a bridge's. */
async function isBridge(pid: number): Promise<boolean> {
  try {
    const { stdout } = await run('ps', ['-ww', '-o', 'stat=,args=', '-p', String(pid)]);
    const line = stdout.trim();
    return line !== '' && !line.startsWith('Z') && line.includes(BRIDGE_MAIN);
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}
