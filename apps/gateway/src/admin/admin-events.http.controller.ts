import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { OrderNotificationSchema } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiLiveFeed, regionQuery } from '../events/feed-docs';
import { streamFeed } from '../events/feed-response';
import { LiveFeed } from '../events/live-feed';
import { AdminOnly } from '../security/admin-auth.guard';

/**
 * `GET /admin/events[?region=<region>]`: the same stream as `GET /events`, with the whole
 * `OrderNotification` (order id, reason): for the operator's dashboard, with the admin
 * token. Browsers' `EventSource` cannot send a header, so the dashboard reads it with
 * `fetch`; a token in the URL instead would end up in logs and browser history.
 */
@ApiTags('admin')
@AdminOnly()
@Controller('admin/events')
export class AdminEventsHttpController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  @ApiLiveFeed({
    operationId: 'adminLiveFeed',
    summary: 'The full live order feed, order ids and reasons included (admin)',
    orderSchema: OrderNotificationSchema,
    orderSchemaName: 'OrderNotification',
  })
  events(
    @Query('region', regionQuery) region: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return streamFeed(this.feed, request, reply, 'full', region);
  }
}
