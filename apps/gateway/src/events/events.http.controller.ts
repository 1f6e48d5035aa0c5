import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  LiveFeedDroppedSchema,
  LiveFeedReadySchema,
  OrderNotificationSchema,
  RebuildProgressSchema,
  RegionSchema,
} from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ApiProblem } from '../openapi/api-docs';
import { apiSchemas } from '../openapi/api-schemas';
import { LiveFeed, LiveFeedEvents } from './live-feed';

/** What each SSE event's `data:` line holds (OpenAPI 3.1 cannot say it of a stream). */
const SSE_EVENTS = {
  [LiveFeedEvents.ready]: apiSchemas.ref(LiveFeedReadySchema),
  [LiveFeedEvents.order]: apiSchemas.ref(OrderNotificationSchema),
  [LiveFeedEvents.rebuildProgress]: apiSchemas.ref(RebuildProgressSchema),
  [LiveFeedEvents.dropped]: apiSchemas.ref(LiveFeedDroppedSchema),
};

/**
 * `GET /events[?region=<region>]`: the live order feed as Server-Sent Events. The
 * region becomes a subject token, so it is validated as exactly one (no `.`, `*`, `>`):
 * `?region=>` must not turn a filter into "everything".
 */
@ApiTags('dashboard')
@Controller('events')
export class EventsHttpController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  @ApiOperation({
    operationId: 'liveFeed',
    summary: 'The live order feed (Server-Sent Events, at-most-once)',
    description:
      'Core NATS `notify.orders.>` (or one region) and rebuild progress as Server-Sent ' +
      'Events: `ready` (`LiveFeedReady`) once subscribed, then `order` ' +
      '(`OrderNotification`), `rebuild-progress` (`RebuildProgress`) and `dropped` ' +
      '(`LiveFeedDropped`: events this client missed because it read too slowly). Each ' +
      "event's `data:` is one JSON object (`x-sse-events` names its schema). What is " +
      'published while a client is away is never replayed: there are no `id:` lines.',
  })
  @ApiExtension('x-sse-events', SSE_EVENTS)
  @ApiQuery({
    name: 'region',
    required: false,
    description: 'Only this region (`notify.orders.<region>.*`); all regions when absent.',
    schema: apiSchemas.ref(RegionSchema),
  })
  @ApiResponse({
    status: 200,
    description: 'An endless event stream; a comment line every `SSE_HEARTBEAT_MS` when idle.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblem(400, '`Invalid region`: `region` must be one subject token (`>` is refused).')
  async events(
    @Query('region', {
      schema: RegionSchema.optional(),
      pipes: [new ZodValidationPipe(RegionSchema.optional(), 'Invalid region')],
    })
    region: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // From here on we write the response ourselves, for as long as the client stays.
    reply.hijack();
    const session = this.feed.open(reply.raw, region);
    // The client went away (tab closed, network gone): drop its subscriptions at once.
    reply.raw.on('close', () => session.close());
    // NATS unreachable: end the stream; the browser's EventSource retries by itself.
    await session.ready.catch(() => session.close());
  }
}
