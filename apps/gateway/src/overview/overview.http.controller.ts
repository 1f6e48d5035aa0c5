import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SystemOverviewSchema } from '@switchyard/contracts';
import type { SystemOverview } from './overview';
import { SystemOverviewService } from './system-overview';

/** `GET /api/overview`: the dashboard's health panels, cached about a second. */
@ApiTags('dashboard')
@Controller('api/overview')
export class OverviewHttpController {
  constructor(private readonly overview: SystemOverviewService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({
    operationId: 'systemOverview',
    summary: "The dashboard's health panels",
    description:
      'Each panel is probed on its own with a 2 s limit and is `{ ok: true, value }` or ' +
      '`{ ok: false, error }`: Kafka being down empties the Kafka panels and nothing else. ' +
      'Cached for `OVERVIEW_CACHE_MS`.',
  })
  @ApiResponse({
    status: 200,
    description: 'The panels.',
    standardSchema: SystemOverviewSchema,
    headers: { 'cache-control': { schema: { type: 'string', enum: ['no-store'] } } },
  })
  get(): Promise<SystemOverview> {
    return this.overview.snapshot();
  }
}
