import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PublicOrderNotificationSchema } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiLiveFeed, regionQuery } from './feed-docs';
import { streamFeed } from './feed-response';
import { LiveFeed } from './live-feed';

/**
 * `GET /events[?region=<region>]`: the public live order feed as Server-Sent Events:
 * what happens to orders, not whose they are (`PublicOrderNotification`). The full
 * notifications are `GET /admin/events`, with the admin token.
 */
@ApiTags('dashboard')
@Controller('events')
export class EventsHttpController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  @ApiLiveFeed({
    operationId: 'liveFeed',
    summary: 'The public live order feed (Server-Sent Events, at-most-once)',
    orderSchema: PublicOrderNotificationSchema,
    orderSchemaName: 'PublicOrderNotification',
  })
  events(
    @Query('region', regionQuery) region: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return streamFeed(this.feed, request, reply, 'public', region);
  }
}
