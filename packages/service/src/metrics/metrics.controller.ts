import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';

/** `GET /metrics`: the Prometheus text format, collected at request time. */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(@Inject(Registry) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('content-type', PROMETHEUS_TEXT)
  @ApiOperation({
    operationId: 'metrics',
    summary: 'Prometheus metrics, collected at request time',
  })
  @ApiResponse({
    status: 200,
    description: 'The Prometheus text exposition format.',
    content: { [PROMETHEUS_TEXT]: { schema: { type: 'string' } } },
  })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
