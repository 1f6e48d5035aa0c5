import { readFileSync } from 'node:fs';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  type ConnectionOptions,
} from '@nats-io/transport-node';

/**
 * Where and as whom to connect: the `NATS_*` settings (package config's `NatsEnvSchema`,
 * already validated field by field). Only `NATS_URL` is required; without any credential
 * the connection is anonymous, as against the machine's NATS on :4222.
 */
export interface NatsSettings {
  NATS_URL: string;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  NATS_NKEY_SEED?: string | undefined;
  NATS_NKEY_SEED_FILE?: string | undefined;
  NATS_CREDS_FILE?: string | undefined;
  NATS_TLS_CA?: string | undefined;
  NATS_TLS_CERT?: string | undefined;
  NATS_TLS_KEY?: string | undefined;
  NATS_INBOX_PREFIX?: string | undefined;
}

/**
 * ### nats.js `ConnectionOptions` from the settings: the one place every connection gets them.
 *
 * Used by `connectNats` and by Nest's NATS server and clients (which pass their options to
 * the same `connect`), so a service's three connections are the same user with the same
 * inbox prefix. Files (seed, creds) are read here, once, at start-up: a missing file fails
 * the start, not the first reconnect. Two ways to authenticate at once is refused rather
 * than silently picking one. The result holds secrets: never log it.
 */
export function natsConnectionOptions(settings: NatsSettings, name: string): ConnectionOptions {
  const methods = [
    settings.NATS_USER !== undefined || settings.NATS_PASSWORD !== undefined,
    settings.NATS_NKEY_SEED !== undefined,
    settings.NATS_NKEY_SEED_FILE !== undefined,
    settings.NATS_CREDS_FILE !== undefined,
  ].filter(Boolean).length;
  if (methods > 1)
    throw new Error(
      'NATS: set one of NATS_USER+NATS_PASSWORD, NATS_NKEY_SEED, NATS_NKEY_SEED_FILE, NATS_CREDS_FILE',
    );
  if ((settings.NATS_USER === undefined) !== (settings.NATS_PASSWORD === undefined))
    throw new Error('NATS: NATS_USER and NATS_PASSWORD go together');
  if ((settings.NATS_TLS_CERT === undefined) !== (settings.NATS_TLS_KEY === undefined))
    throw new Error('NATS: NATS_TLS_CERT and NATS_TLS_KEY go together');

  const options: ConnectionOptions = { servers: serversOf(settings.NATS_URL), name };
  if (settings.NATS_USER !== undefined) {
    options.user = settings.NATS_USER;
    options.pass = settings.NATS_PASSWORD;
  }
  const seed = settings.NATS_NKEY_SEED ?? readTrimmed(settings.NATS_NKEY_SEED_FILE);
  if (seed !== undefined) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  if (settings.NATS_CREDS_FILE !== undefined)
    options.authenticator = credsAuthenticator(readFileSync(settings.NATS_CREDS_FILE));
  if (settings.NATS_TLS_CA !== undefined || settings.NATS_TLS_CERT !== undefined) {
    options.tls = {
      ...(settings.NATS_TLS_CA !== undefined && { caFile: settings.NATS_TLS_CA }),
      ...(settings.NATS_TLS_CERT !== undefined && {
        certFile: settings.NATS_TLS_CERT,
        keyFile: settings.NATS_TLS_KEY,
      }),
    };
  }
  if (settings.NATS_INBOX_PREFIX !== undefined) options.inboxPrefix = settings.NATS_INBOX_PREFIX;
  return options;
}

/** `NATS_URL=nats://a:4222, nats://b:4222` → the server list. */
export function serversOf(url: string): string[] {
  return url
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean);
}

/**
 * Text fit for a log line or an error: the `user:password@` of every URL in it removed.
 * The config refuses such URLs already; this is the second lock, for every message that
 * prints a server.
 */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s,]*@/gi, '$1');
}

function readTrimmed(file: string | undefined): string | undefined {
  return file === undefined ? undefined : readFileSync(file, 'utf8').trim();
}
