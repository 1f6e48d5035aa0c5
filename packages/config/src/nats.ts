import { z } from 'zod';

/** `nats://user:secret@host` would put a secret in every place that prints the URL. */
const withoutUserinfo = (url: string) =>
  url.split(',').every((server) => !/^[a-z]+:\/\/[^/]*@/i.test(server.trim()));

const path = z.string().min(1);

/**
 * ### How a process connects to NATS: where, as whom, over what.
 *
 * At most one way to authenticate (the connect options refuse two):
 * - `NATS_NKEY_SEED` or `NATS_NKEY_SEED_FILE`: an NKey seed (`SU…`), the local default
 *   (`infra/nats`: the server holds only the public keys);
 * - `NATS_CREDS_FILE`: a `.creds` file (operator/JWT mode, made with `nsc`);
 * - `NATS_USER` + `NATS_PASSWORD`.
 * None of them: no authentication, as against the machine's NATS on :4222.
 * `NATS_TLS_CA` (verify the server), `NATS_TLS_CERT` + `NATS_TLS_KEY` (a client
 * certificate) are file paths. `NATS_INBOX_PREFIX` must match the user's permissions
 * (`_INBOX_<user>`). None of these values is ever logged.
 */
export const NatsEnvSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222').refine(withoutUserinfo, {
    message: 'must not carry credentials (nats.js ignores them): use NATS_USER and NATS_PASSWORD',
  }),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  NATS_NKEY_SEED: z
    .string()
    .regex(/^SU[A-Z2-7]+$/, { message: 'must be an NKey user seed (SU…)' })
    .optional(),
  NATS_NKEY_SEED_FILE: path.optional(),
  NATS_CREDS_FILE: path.optional(),
  NATS_TLS_CA: path.optional(),
  NATS_TLS_CERT: path.optional(),
  NATS_TLS_KEY: path.optional(),
  NATS_INBOX_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, { message: 'one subject token: letters, digits, _ and -' })
    .optional(),
});

export type NatsEnv = z.infer<typeof NatsEnvSchema>;
