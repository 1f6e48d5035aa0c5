import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NATS_USERS } from '@switchyard/contracts';
import { clientEnvOf, newNkeyUser, nkeyVariableOf, publicKeyOfSeed } from '@switchyard/messaging';

/**
 * ### `nats-credentials <dir>`: one NKey per NATS user, for a local or compose deployment.
 *
 * Writes, once (an existing key is kept; delete its file to rotate it):
 * - `<dir>/<user>.env`: `NATS_NKEY_SEED` and `NATS_INBOX_PREFIX`, the user's secret, mode 0600;
 * - `<dir>/server.env`: every `SWITCHYARD_NATS_NKEY_<USER>=<public key>`, what nats-server
 *   needs (infra/nats/nats-server.conf). Rewritten from the seeds on every run.
 * `<dir>` is `.local/nats` for `npm run demo`, `.local/compose` for docker compose: both are
 * git-ignored. Nothing here is committed.
 */
function main(dir: string | undefined): void {
  if (!dir) throw new Error('usage: nats-credentials <dir>');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const publicKeys: string[] = [];
  let created = 0;
  for (const user of NATS_USERS) {
    const file = join(dir, `${user}.env`);
    if (!existsSync(file)) {
      const { seed } = newNkeyUser();
      writeEnv(file, clientEnvOf(user, seed));
      created += 1;
    }
    const seed = /^NATS_NKEY_SEED=(\S+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
    if (!seed) throw new Error(`${file} has no NATS_NKEY_SEED: delete it to make a new key`);
    publicKeys.push(`${nkeyVariableOf(user)}=${publicKeyOfSeed(seed)}`);
  }
  writeFileSync(join(dir, 'server.env'), `${publicKeys.join('\n')}\n`, { mode: 0o644 });
  console.log(`NATS credentials in ${dir}: ${created} new, ${NATS_USERS.length - created} kept`);
}

function writeEnv(file: string, env: Record<string, string>): void {
  const text = Object.entries(env).map(([name, value]) => `${name}=${value}\n`);
  writeFileSync(file, text.join(''), { mode: 0o600 });
  chmodSync(file, 0o600);
}

main(process.argv[2]);
