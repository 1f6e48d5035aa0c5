import { z } from 'zod';

/**
 * The injector's settings. Every one is set by `infra/local/demo.sh`: nothing else starts
 * this process. `kafka.sh` runs with the injector's own environment (minus the token), so
 * the demo starts it with the demo broker's `SWITCHYARD_LOCAL_DIR`, `KAFKA_PORT`, … and
 * "stop Kafka" stops that broker, the one `kafka.sh up` started there, never another.
 */
export const InjectorEnvSchema = z.object({
  /** Loopback only (`FAULTS_HOST` is not a setting): only the gateway on this machine calls. */
  FAULTS_PORT: z.coerce.number().int().min(0).max(65535).default(3099),
  /** The gateway's admin token: the injector checks it too, so a local process without it is refused. */
  ADMIN_TOKEN: z.string().min(32),
  /** `stop-kafka` is offered (the demo's single broker, started by kafka.sh). */
  FAULTS_KAFKA: z.stringbool().default(true),
  /** How long `stop-kafka` keeps the broker down before `kafka.sh up`. */
  FAULTS_KAFKA_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** The pid file `infra/local/supervise.sh` keeps for the bridge; unset: no `kill-bridge`. */
  FAULTS_BRIDGE_PIDFILE: z.string().min(1).optional(),
  /** The supervisor's restart delay (demo.sh passes the same number to both). */
  FAULTS_BRIDGE_RESTART_SECONDS: z.coerce.number().int().min(1).max(600).default(5),
  /** How long to wait for a new bridge after its restart delay before calling the fault failed. */
  FAULTS_RECOVERY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(900).default(180),
});
export type InjectorEnv = z.infer<typeof InjectorEnvSchema>;
