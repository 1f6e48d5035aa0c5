import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { childEnv } from './child-env';
import { repoRoot } from './service-process';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, in the order they arrived. */
  output: string;
}

/**
 * Runs a built script of this repository (`node <repo>/<script> ...args`) to its end, the
 * way an operator runs a CLI, and collects what it printed. `env` is added to an
 * allow-list of this process's environment and the brokers (`childEnv`). Never rejects on a non-zero exit: the caller asserts on `code`.
 */
export function runScript(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  return runCommand(process.execPath, [join(repoRoot, script), ...args], env);
}

/** Runs a shell script of this repository (`bash <repo>/<script> ...args`), as `runScript` does. */
export function runShellScript(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ScriptRun> {
  return runCommand('bash', [join(repoRoot, script), ...args], env);
}

function runCommand(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ScriptRun = { code: null, stdout: '', stderr: '', output: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      run.stdout += chunk.toString();
      run.output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      run.stderr += chunk.toString();
      run.output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ ...run, code }));
  });
}
