import { Controller, Get, Header } from '@nestjs/common';
import type { SystemOverview } from './overview';
import { SystemOverviewService } from './system-overview';

/** `GET /api/overview`: the dashboard's health panels, cached about a second. */
@Controller('api/overview')
export class OverviewHttpController {
  constructor(private readonly overview: SystemOverviewService) {}

  @Get()
  @Header('cache-control', 'no-store')
  get(): Promise<SystemOverview> {
    return this.overview.snapshot();
  }
}
