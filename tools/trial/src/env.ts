import { CommonEnvSchema, loadConfig } from '@switchyard/config';

/**
 * Where the brokers are: `NATS_URL` and `KAFKA_BROKERS` (the services' variables and
 * defaults: this machine's shared brokers, with the same `NATS_*` credentials if set),
 * overridden by `--nats` and `--kafka`.
 */
export function trialEnv(flags: { nats?: string; kafka?: string }) {
  return loadConfig(CommonEnvSchema.omit({ SWITCHYARD_NAMESPACE: true, HTTP_PORT: true }), {
    ...process.env,
    ...(flags.nats ? { NATS_URL: flags.nats } : {}),
    ...(flags.kafka ? { KAFKA_BROKERS: flags.kafka } : {}),
  });
}

export type TrialEnv = ReturnType<typeof trialEnv>;
