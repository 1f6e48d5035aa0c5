import { HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../http/problem-details';
import type { FeedView, LiveFeed } from './live-feed';

/**
 * Answers a live-feed request: a 503 or 429 problem when a cap is reached, else the
 * event stream, written by us for as long as the client stays.
 */
export async function streamFeed(
  feed: LiveFeed,
  request: FastifyRequest,
  reply: FastifyReply,
  view: FeedView,
  region: string | undefined,
): Promise<void> {
  const clientIp = request.ip;
  const refusal = feed.refusal(clientIp);
  if (refusal === 'full') {
    void reply.header('retry-after', '30');
    throw new HttpException(
      problem(503, 'Too many live-feed clients', {
        detail: 'The gateway serves as many event streams as it may; retry later.',
      }),
      503,
    );
  }
  if (refusal === 'client-limit') {
    void reply.header('retry-after', '30');
    throw new HttpException(
      problem(429, 'Too many live-feed streams from this client', {
        detail: 'Close another stream of this address first.',
      }),
      429,
    );
  }
  // From here on we write the response ourselves; `refusal` and `open` ran with no await
  // between them, so the caps cannot be overrun by streams opening at the same moment.
  reply.hijack();
  const session = feed.open(reply.raw, { view, region, clientIp });
  // The client went away (tab closed, network gone): free its place at once.
  reply.raw.on('close', () => session.close());
  // NATS unreachable: end the stream; the browser's EventSource retries by itself.
  await session.ready.catch(() => session.close());
}
