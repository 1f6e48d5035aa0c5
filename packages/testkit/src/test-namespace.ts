import { topology, type Topology } from '@switchyard/contracts';
import { cleanupNamespace } from './cleanup';
import { uniqueNamespace } from './environment';
import { startService, type ServiceProcess, type StartOptions } from './service-process';

/**
 * ### One test suite's own namespace, and the services it starts in it.
 *
 * Every suite that runs real services needs the same four things: a namespace nobody
 * else uses (so suites run in parallel and again), the env that puts a process in it, the
 * processes it started, and an `afterAll` that stops them and deletes what the namespace
 * created (streams, KV buckets, topics, schema). This owns them:
 *
 * ```ts
 * const suite = new TestNamespace('e');
 * beforeAll(async () => { gateway = (await suite.start('orders', 'gateway'))[1]; });
 * afterAll(() => suite.close());
 * ```
 */
export class TestNamespace {
  readonly namespace: string;
  /** Every subject, stream, topic and schema name of the namespace. */
  readonly names: Topology;
  /** What puts a process in this namespace (`SWITCHYARD_NAMESPACE`), plus the suite's own settings. */
  readonly env: Record<string, string>;
  private readonly running: ServiceProcess[] = [];

  constructor(prefix?: string, env: Record<string, string> = {}) {
    this.namespace = uniqueNamespace(prefix);
    this.names = topology(this.namespace);
    this.env = { SWITCHYARD_NAMESPACE: this.namespace, ...env };
  }

  /**
   * Starts the apps in parallel, in this namespace; `close()` stops them. In the given
   * order. Waits for every start to settle, even when one fails: with a bare
   * `Promise.all`, `afterAll` ran while the others were still starting, they were never
   * stopped, and their open pipes kept Jest from exiting.
   */
  async start<const Apps extends readonly string[]>(
    ...apps: Apps
  ): Promise<{ [Index in keyof Apps]: ServiceProcess }> {
    const results = await Promise.allSettled(apps.map((app) => this.startOne({ app })));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const started = results.map(
      (result) => (result as PromiseFulfilledResult<ServiceProcess>).value,
    );
    return started as { [Index in keyof Apps]: ServiceProcess };
  }

  /** Starts one app with its own options (label, args, extra env, timeout). */
  async startOne(options: Omit<StartOptions, 'env'> & { env?: Record<string, string> }) {
    const service = await startService({ ...options, env: { ...this.env, ...options.env } });
    this.running.push(service);
    return service;
  }

  /** Stops every service started here, then deletes the namespace's resources. */
  async close(): Promise<void> {
    await Promise.all(this.running.splice(0).map((service) => service.stop()));
    await cleanupNamespace(this.namespace);
  }
}
