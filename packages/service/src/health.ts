import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Module,
  type DynamicModule,
  type Type,
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** One dependency a service needs before it can take work (NATS, Kafka, Postgres…). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('switchyard:readiness-checks');

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<{ up: boolean; detail?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { up: true };
  } catch (error) {
    return { up: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz`: liveness. The process is alive and its event loop turns; it says
 * nothing about brokers, so an orchestrator never restarts a service just because
 * NATS is down (the restart would not bring NATS back).
 *
 * `GET /readyz`: readiness. Every dependency answers now; `503` takes the instance out
 * of the load balancer until they do, and is the first thing to go red on shutdown.
 */
@Controller()
export class HealthController {
  private shuttingDown = false;

  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  @Get('healthz')
  @HttpCode(HttpStatus.OK)
  liveness() {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    const results = await Promise.all(
      this.checks.map(async (check) => [check.name, await runCheck(check)] as const),
    );
    const ready = !this.shuttingDown && results.every(([, result]) => result.up);
    void reply.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: ready ? 'ready' : 'unready',
      ...(this.shuttingDown ? { reason: 'shutting down' } : {}),
      checks: Object.fromEntries(results),
    };
  }

  beforeApplicationShutdown() {
    this.shuttingDown = true;
  }
}

@Module({})
export class HealthModule {
  /** `checks` are `ReadinessCheck` providers exported by the modules in `from`. */
  static forChecks(
    checks: Type<ReadinessCheck>[],
    from: DynamicModule['imports'] = [],
  ): DynamicModule {
    return {
      module: HealthModule,
      imports: from,
      controllers: [HealthController],
      providers: [
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: checks,
        },
      ],
    };
  }
}
