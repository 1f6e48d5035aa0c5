import { Controller, Get, Query, Res } from '@nestjs/common';
import { RegionSchema } from '@switchyard/contracts';
import type { FastifyReply } from 'fastify';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { LiveFeed } from './live-feed';

/**
 * `GET /events[?region=<region>]`: the live order feed as Server-Sent Events. The
 * region becomes a subject token, so it is validated as exactly one (no `.`, `*`, `>`):
 * `?region=>` must not turn a filter into "everything".
 */
@Controller('events')
export class EventsHttpController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  async events(
    @Query('region', new ZodValidationPipe(RegionSchema.optional(), 'Invalid region'))
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
