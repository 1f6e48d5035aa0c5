import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { newNkeyUser } from '@switchyard/messaging';
import { childEnv, repoRoot } from '@switchyard/testkit';

/** Runs a built app until it exits; everything it printed, and its exit code. */
function runUntilExit(app: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'apps', app, 'dist', 'main.js')], {
      env: childEnv({ HTTP_PORT: '0', ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/**
 * ### A service that cannot start says why, and prints no secret doing so.
 *
 * The fatal start-up line used to print the NATS URL as given, credentials included.
 * A URL with credentials is now refused by the config (nats.js would ignore them anyway),
 * and whatever reaches the fatal line is redacted; a seed is never printed.
 */
describe('the fatal start-up log', () => {
  it('refuses credentials in NATS_URL without printing them', async () => {
    const { code, output } = await runUntilExit('inventory', {
      NATS_URL: 'nats://inventory:s3cret-in-url@127.0.0.1:1',
    });
    expect(code).toBe(1);
    expect(output).toContain('NATS_URL: must not carry credentials');
    expect(output).not.toContain('s3cret-in-url');
  });

  it('names the server it could not reach, not the seed it would have signed with', async () => {
    const { seed } = newNkeyUser();
    // Port 1: nothing listens, the connect fails at once.
    const { code, output } = await runUntilExit('inventory', {
      NATS_URL: 'nats://127.0.0.1:1',
      NATS_NKEY_SEED: seed,
    });
    expect(code).toBe(1);
    expect(output).toContain('service failed to start');
    expect(output).toContain('Cannot connect to NATS at nats://127.0.0.1:1');
    expect(output).not.toContain(seed);
    expect(output).not.toContain(seed.slice(2, 20));
  });
});
