import { nkeys } from '@nats-io/transport-node';
import {
  inboxPrefixOf,
  NATS_USERS,
  type NatsPermissions,
  type NatsUser,
} from '@switchyard/contracts';

/**
 * The environment variable that holds a user's NKey public key for the server:
 * `SWITCHYARD_NATS_NKEY_GATEWAY`. nats-server reads `$NAME` references in its config from
 * its environment, and refuses to start when one is missing: no user is ever left without
 * a key by accident.
 */
export function nkeyVariableOf(user: NatsUser): string {
  return `SWITCHYARD_NATS_NKEY_${user.toUpperCase()}`;
}

const quoted = (subject: string) => JSON.stringify(subject);

const list = (subjects: readonly string[], indent: string) =>
  subjects.length === 0
    ? '[]'
    : `[\n${subjects.map((subject) => `${indent}  ${quoted(subject)}`).join(',\n')}\n${indent}]`;

/**
 * ### The `authorization {}` block of nats-server's config: one NKey user per process.
 *
 * NKeys, not passwords: the server holds only public keys (nothing in its config or its
 * environment lets anyone connect), each process holds its own seed (ADR 0033). The keys
 * are `$SWITCHYARD_NATS_NKEY_<USER>` references, so the file itself has no secret and no
 * per-deployment value, and is committed, generated from the contracts.
 *
 * Users defined here live in the server's global account, which has JetStream when the
 * server has it (verified on 2.9.10). Anything a user's lists do not allow is refused,
 * and the server logs a "Publish Violation" / "Subscription Violation" with the user.
 */
export function renderAuthorization(
  permissions: Readonly<Record<NatsUser, NatsPermissions>>,
): string {
  const users = NATS_USERS.map((user) => {
    const { publish, subscribe, allowResponses } = permissions[user];
    const indent = '        ';
    return [
      `    # ${user}`,
      '    {',
      `      nkey: $${nkeyVariableOf(user)}`,
      '      permissions: {',
      `        publish: { allow: ${list(publish, indent)} }`,
      `        subscribe: { allow: ${list(subscribe, indent)} }`,
      ...(allowResponses ? ['        allow_responses: true'] : []),
      '      }',
      '    }',
    ].join('\n');
  });
  return `authorization {\n  users: [\n${users.join('\n')}\n  ]\n}\n`;
}

/** A new NKey user: the seed the client keeps (`SU…`), the public key the server knows (`U…`). */
export function newNkeyUser(): { seed: string; publicKey: string } {
  const pair = nkeys.createUser();
  return {
    seed: new TextDecoder().decode(pair.getSeed()),
    publicKey: pair.getPublicKey(),
  };
}

/**
 * What one process needs in its environment to connect as `user`: its seed and the inbox
 * prefix its permissions allow (`.env` syntax, one `NAME=value` a line).
 */
export function clientEnvOf(user: NatsUser, seed: string): Record<string, string> {
  return { NATS_NKEY_SEED: seed, NATS_INBOX_PREFIX: inboxPrefixOf(user) };
}

/** The public key (`U…`) of a user seed: what the server is told. */
export function publicKeyOfSeed(seed: string): string {
  return nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey();
}
