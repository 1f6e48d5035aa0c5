import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '@switchyard/testkit';

export interface ChildServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts one of the bench's own raw servers (`dist/raw/<file>.js`) and waits for its `service ready` line. */
export async function startChildServer(
  file: string,
  env: Record<string, string> = {},
): Promise<ChildServer> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'raw', file)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let url: string | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('service ready')) url = (JSON.parse(line) as { url: string }).url;
    }
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor(`${file} to be ready`, () => url, { timeoutMs: 15_000, intervalMs: 20 });
  return {
    url: url!,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
