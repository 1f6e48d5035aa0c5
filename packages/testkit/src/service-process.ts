import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { childEnv } from './child-env';
import { waitFor } from './wait-for';

/** Repository root, found from this file (packages/testkit/dist or src). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

export interface ServiceProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>` of the service's HTTP server (health; API on the gateway). */
  readonly url: string;
  readonly child: ChildProcess;
  /** Every log line the process printed so far. */
  lines(): string[];
  /** Sends a signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  /** App folder under apps/, e.g. `orders`. */
  app: string;
  env: Record<string, string>;
  /** A label for logs when several instances run. */
  label?: string;
  args?: string[];
  timeoutMs?: number;
}

/**
 * Runs a built app (`apps/<app>/dist/main.js`) as a real process, the way it runs in
 * production, and waits for its `service ready` line. Logs go to
 * `test-artifacts/<label>.log` for post-mortems. Its environment is `childEnv(env)`: an
 * allow-list of the shell's, the brokers, and `env`; never the whole shell environment.
 */
export async function startService({
  app,
  env,
  label = app,
  args = [],
  timeoutMs = 30_000,
}: StartOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'apps', app, 'dist', 'main.js'), ...args], {
    env: childEnv({ HTTP_PORT: '0', LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const artifacts = join(repoRoot, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const logFile = createWriteStream(join(artifacts, `${label}-${child.pid}.log`));
  const lines: string[] = [];
  let url: string | undefined;
  let exited: number | null | undefined;
  const exit = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = code ?? (signal ? null : 0);
      resolveExit(exited);
    });
  });
  const onData = (chunk: Buffer) => {
    logFile.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (!url && line.includes('service ready')) {
        try {
          url = (JSON.parse(line) as { url?: string }).url;
        } catch {
          // not a JSON line
        }
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  // Ready (the URL is known) or exited, whichever comes first; a process that neither
  // gets ready nor exits in time is killed, so a failed start never leaks a process.
  try {
    const outcome = await waitFor(
      `${label} to be ready`,
      () => (exited !== undefined ? 'exited' : url && 'ready'),
      {
        timeoutMs,
      },
    );
    if (outcome === 'exited') {
      throw new Error(`${label} exited with ${String(exited)}:\n${lines.slice(-20).join('\n')}`);
    }
  } catch (error) {
    if (exited === undefined) child.kill('SIGKILL');
    logFile.end();
    throw error;
  }

  return {
    name: label,
    url: url!,
    child,
    lines: () => lines,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (exited === undefined) child.kill(signal);
      const code = await exit;
      logFile.end();
      return code;
    },
  };
}
