import { CommonEnvSchema, loadConfig } from '@switchyard/config';

/**
 * How the bench declares its streams: with the replicas the services use
 * (`JETSTREAM_REPLICAS`), so a bench on a cluster measures replicated appends. The bench
 * runs in a fresh namespace: every stream is created, never changed, so nothing is logged.
 */
export const BENCH_STREAMS = {
  replicas: loadConfig(CommonEnvSchema.pick({ JETSTREAM_REPLICAS: true })).JETSTREAM_REPLICAS,
  logger: { log() {}, warn: (message: string) => process.stderr.write(`${message}\n`) },
};
