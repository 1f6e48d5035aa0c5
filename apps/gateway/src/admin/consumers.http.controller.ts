import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  CONTROLLED_SERVICES,
  type ConsumerControlResult,
  type ConsumerSummary,
  type ControlledService,
} from '@switchyard/contracts';
import { TOPOLOGY } from '../config';
import { problem } from '../http/problem-details';
import { ConsumerControlClient } from '../nats/consumer-control.client';
import { controlResult, summarizeConsumers } from './consumer-summary';
import { KnownNamePipe } from './known-name.pipe';

/** `:service`: one whose consumers can be controlled; anything else is a 404. */
const knownService = new KnownNamePipe<ControlledService>('service', CONTROLLED_SERVICES);

/**
 * The consumer control plane over HTTP (ADR 0016): see which consumers run, pause a
 * service's consumers (work waits in JetStream or Kafka) and resume them. Operator-only,
 * like every `/admin` route: keep it behind a network policy or an authenticating proxy.
 */
@Controller('admin/consumers')
export class ConsumersHttpController {
  constructor(private readonly control: ConsumerControlClient) {}

  /** One line per consumer of every controlled service: `[{service, consumer, paused, instances}]`. */
  @Get()
  async list(): Promise<ConsumerSummary[]> {
    const perService = await Promise.all(
      CONTROLLED_SERVICES.map(async (service) =>
        summarizeConsumers(
          service,
          TOPOLOGY.controlledConsumers[service],
          await this.control.status(service),
        ),
      ),
    );
    return perService.flat();
  }

  /** 200 once every instance that answered has finished its in-flight work and paused. */
  @Post(':service/pause')
  @HttpCode(HttpStatus.OK)
  pause(@Param('service', knownService) service: ControlledService) {
    return this.apply(service, 'pause');
  }

  @Post(':service/resume')
  @HttpCode(HttpStatus.OK)
  resume(@Param('service', knownService) service: ControlledService) {
    return this.apply(service, 'resume');
  }

  private async apply(
    service: ControlledService,
    action: 'pause' | 'resume',
  ): Promise<ConsumerControlResult> {
    const replies = await this.control.command(service, action);
    if (replies.length === 0) {
      throw new ServiceUnavailableException(
        problem(HttpStatus.SERVICE_UNAVAILABLE, 'No instance answered', {
          detail: `No ${service} instance answered on the control plane: is ${service} running?`,
        }),
      );
    }
    const consumers = summarizeConsumers(service, TOPOLOGY.controlledConsumers[service], replies);
    return controlResult(service, consumers, replies.length);
  }
}
