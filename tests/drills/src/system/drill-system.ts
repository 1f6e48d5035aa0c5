import { startService, type ServiceProcess } from '@switchyard/testkit';

/** Every process of the system, by role. Two orders instances share one queue group. */
export const ROLES = [
  'gateway',
  'orders-a',
  'orders-b',
  'inventory',
  'payments',
  'bridge',
  'projector',
] as const;
/** The same system with two bridge instances sharing each route (the two-bridges drill). */
export const ROLES_WITH_TWO_BRIDGES = [
  'gateway',
  'orders-a',
  'orders-b',
  'inventory',
  'payments',
  'bridge-a',
  'bridge-b',
  'projector',
] as const;
export type Role = (typeof ROLES)[number] | (typeof ROLES_WITH_TWO_BRIDGES)[number];

const appOf = (role: Role): string => role.replace(/-[ab]$/, '');

export interface RestartTiming {
  /** From the signal until the process had exited. */
  stopMs: number;
  /** From the signal until the new process logged `service ready`. */
  downMs: number;
}

/**
 * ### The whole system as real processes, pointed at the drill's brokers.
 *
 * Each role runs `apps/<app>/dist/main.js` (testkit's `startService`). The gateway keeps
 * one port for the whole tier, so the load generator reaches a restarted gateway at the
 * same URL, as clients reach a service behind a stable address.
 */
export class DrillSystem {
  private readonly processes = new Map<Role, ServiceProcess>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly gatewayPort: number,
    private readonly roles: readonly Role[] = ROLES,
    /** Settings of one app on top of `env`: its own NATS credentials under auth. */
    private readonly envOfApp: (app: string) => Record<string, string> = () => ({}),
  ) {}

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.gatewayPort}`;
  }

  process(role: Role): ServiceProcess {
    const found = this.processes.get(role);
    if (!found) throw new Error(`${role} is not running`);
    return found;
  }

  /**
   * Starts the back end first (in parallel), then the gateway in front of it. Every start
   * is awaited before a failure is thrown: one that rejected early (a service that exited)
   * must not leave the others starting unseen, to come up after `stopAll` ran and keep
   * the test runner alive (seen: a projector outliving a failed start).
   */
  async startAll(): Promise<void> {
    const started = await Promise.allSettled(
      this.roles.filter((role) => role !== 'gateway').map((role) => this.start(role)),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await this.start('gateway');
  }

  async start(role: Role): Promise<ServiceProcess> {
    const service = await startService({
      app: appOf(role),
      label: `drill-${role}`,
      env: {
        ...this.env,
        ...this.envOfApp(appOf(role)),
        ...(role === 'gateway' ? { HTTP_PORT: String(this.gatewayPort) } : {}),
      },
      timeoutMs: 60_000,
    });
    this.processes.set(role, service);
    return service;
  }

  /**
   * Starts every role that is not running: a drill that failed between stopping a process
   * and starting it again must not fail the drills after it.
   */
  async ensureRunning(): Promise<void> {
    for (const role of this.roles) {
      const child = this.processes.get(role)?.child;
      if (child && child.exitCode === null && child.signalCode === null) continue;
      await this.start(role);
    }
  }

  /** Sends `signal`, waits for the exit, starts the role again and waits until it is ready. */
  async restart(
    role: Role,
    signal: NodeJS.Signals,
    whileStopping?: (service: ServiceProcess) => Promise<void>,
  ): Promise<RestartTiming> {
    const service = this.process(role);
    const started = Date.now();
    const watching = whileStopping?.(service);
    await service.stop(signal);
    await watching;
    const stopMs = Date.now() - started;
    await this.start(role);
    return { stopMs, downMs: Date.now() - started };
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((service) => service.stop()));
    this.processes.clear();
  }
}
