import {
  applyDecorators,
  Controller,
  Get,
  Inject,
  Module,
  Optional,
  Res,
  ServiceUnavailableException,
  type DynamicModule,
  type Type,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { loadConfig, ShutdownEnvSchema } from '@switchyard/config';
import { HealthCheckResultSchema } from '@switchyard/contracts';
import { jetStreamConsumerState } from '@switchyard/messaging';
import type { FastifyReply } from 'fastify';
import { OwnedConsumers } from './consumers/owned-consumers';

/** One dependency a service needs before it can take work (NATS, Kafka, Postgres…). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('switchyard:readiness-checks');

const CHECK_TIMEOUT_MS = 2_000;
const { SHUTDOWN_UNREADY_MS } = loadConfig(ShutdownEnvSchema);

/**
 * Health with `@nestjs/terminus`; the body is terminus' (`status`, `info`, `error`,
 * `details` per indicator).
 *
 * `GET /healthz`: liveness. The process is alive, its event loop turns, and no Kafka
 * consumer of it has crashed for good. It never asks a broker, so an orchestrator does
 * not restart a service just because NATS is down (the restart would not bring NATS
 * back); a crashed consumer, though, only a restart repairs.
 *
 * `GET /readyz`: readiness. Every dependency answers now (NATS round trip, Kafka
 * metadata, `SELECT 1`), every JetStream durable consumer this service runs exists on the
 * server, and this instance is a member of each of its Kafka consumer groups. `503` takes
 * the instance out of the load balancer until they do, and is the first thing to go red
 * on shutdown.
 */
/** Both probes answer terminus' JSON, 200 or 503, never problem details. */
const ApiHealthAnswers = (down: string) =>
  applyDecorators(
    ApiResponse({ status: 200, description: 'Up.', standardSchema: HealthCheckResultSchema }),
    ApiResponse({ status: 503, description: down, standardSchema: HealthCheckResultSchema }),
  );

@ApiTags('operations')
@Controller()
export class HealthController {
  private shuttingDown = false;

  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Optional() private readonly owned?: OwnedConsumers,
  ) {}

  @Get('healthz')
  @ApiOperation({
    operationId: 'liveness',
    summary: 'Liveness: the process runs (no broker is asked)',
  })
  @ApiHealthAnswers('A Kafka consumer of this service crashed for good: only a restart helps.')
  liveness(@Res({ passthrough: true }) reply: FastifyReply) {
    const groups = this.owned?.kafka() ?? [];
    return this.answer(reply, [
      () => this.indicator.check('process').up({ uptimeSeconds: Math.round(process.uptime()) }),
      ...groups.map(({ groupId, membership }) => () => {
        const state = membership();
        const session = this.indicator.check(`kafka-consumer:${groupId}`);
        return state === 'crashed' ? session.down({ membership: state }) : session.up();
      }),
    ]);
  }

  @Get('readyz')
  @ApiOperation({
    operationId: 'readiness',
    summary: 'Readiness: every broker answers, every consumer exists',
  })
  @ApiHealthAnswers('A dependency does not answer (see `error`), or the service is shutting down.')
  readiness(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.shuttingDown) {
      void reply.status(503);
      return { status: 'error', reason: 'shutting down', info: {}, error: {}, details: {} };
    }
    return this.answer(reply, [
      ...this.checks.map(
        (check) => () =>
          this.indicator
            .check(check.name)
            .attempt(() => check.check())
            .withTimeout(CHECK_TIMEOUT_MS),
      ),
      ...(this.owned?.jetStream() ?? []).map(
        ({ jsm, stream, durable }) =>
          () =>
            this.indicator
              .check(`jetstream-consumer:${durable}`)
              .attempt(async () => {
                const state = await jetStreamConsumerState(jsm, stream, durable);
                if (!state) throw new Error(`durable ${durable} does not exist on ${stream}`);
                return { pending: state.numPending, ackPending: state.numAckPending };
              })
              .withTimeout(CHECK_TIMEOUT_MS),
      ),
      ...(this.owned?.kafka() ?? []).map(({ groupId, membership }) => () => {
        const state = membership();
        const session = this.indicator.check(`kafka-group:${groupId}`);
        return state === 'member' ? session.up() : session.down({ membership: state });
      }),
    ]);
  }

  /**
   * Unready first, then a pause (`SHUTDOWN_UNREADY_MS`) before Nest closes the listener:
   * without it the 503 would last microseconds and no prober would ever see it.
   */
  async beforeApplicationShutdown() {
    this.shuttingDown = true;
    await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_UNREADY_MS));
  }

  /**
   * terminus throws a 503 exception when an indicator is down. It is answered here, not
   * left to exception filters: a health probe gets terminus' JSON, never the gateway's
   * problem-details rewrite of it.
   */
  private async answer(
    reply: FastifyReply,
    indicators: HealthIndicatorFunction[],
  ): Promise<HealthCheckResult | object> {
    try {
      return await this.health.check(indicators);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as object;
    }
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
      // No terminus logger: a probe polled during an outage would log every poll; the
      // reason is in the response body.
      imports: [TerminusModule.forRoot({ logger: false }), ...from],
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
