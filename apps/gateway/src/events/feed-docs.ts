import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import {
  LiveFeedDroppedSchema,
  LiveFeedReadySchema,
  RebuildProgressSchema,
  RegionSchema,
} from '@switchyard/contracts';
import type { z } from 'zod';
import { ZodValidationPipe } from '../http/zod-validation.pipe';
import { ApiProblem } from '../openapi/api-docs';
import { apiSchemas } from '../openapi/api-schemas';
import { LiveFeedEvents } from './live-feed';

/** `?region=`: one subject token (no `.`, `*`, `>`), as the notifications' subjects have. */
export const regionQuery = {
  schema: RegionSchema.optional(),
  pipes: [new ZodValidationPipe(RegionSchema.optional(), 'Invalid region')],
};

/** How a live-feed route is documented; only the shape of its `order` events differs. */
export const ApiLiveFeed = (options: {
  operationId: string;
  summary: string;
  orderSchema: z.ZodType;
  orderSchemaName: string;
}) =>
  applyDecorators(
    ApiOperation({
      operationId: options.operationId,
      summary: options.summary,
      description:
        'Core NATS order notifications and rebuild progress as Server-Sent Events: `ready` ' +
        `(\`LiveFeedReady\`) once subscribed, then \`order\` (\`${options.orderSchemaName}\`), ` +
        '`rebuild-progress` (`RebuildProgress`) and `dropped` (`LiveFeedDropped`: events this ' +
        "client missed because it read too slowly). Each event's `data:` is one JSON object " +
        '(`x-sse-events` names its schema). What is published while a client is away is never ' +
        'replayed: there are no `id:` lines.',
    }),
    // What each SSE event's `data:` line holds (OpenAPI 3.1 cannot say it of a stream).
    ApiExtension('x-sse-events', {
      [LiveFeedEvents.ready]: apiSchemas.ref(LiveFeedReadySchema),
      [LiveFeedEvents.order]: apiSchemas.ref(options.orderSchema),
      [LiveFeedEvents.rebuildProgress]: apiSchemas.ref(RebuildProgressSchema),
      [LiveFeedEvents.dropped]: apiSchemas.ref(LiveFeedDroppedSchema),
    }),
    ApiQuery({
      name: 'region',
      required: false,
      description: "Only this region's orders; all regions when absent.",
      schema: apiSchemas.ref(RegionSchema),
    }),
    ApiResponse({
      status: 200,
      description: 'An endless event stream; a comment line every `SSE_HEARTBEAT_MS` when idle.',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    }),
    ApiProblem(400, '`Invalid region`: `region` must be one subject token (`>` is refused).'),
    ApiProblem(
      429,
      '`Too many live-feed streams from this client` (`SSE_MAX_CLIENTS_PER_IP`), or ' +
        '`Too many requests` (the rate limit); `Retry-After` says when to try again.',
    ),
    ApiProblem(503, '`Too many live-feed clients` (`SSE_MAX_CLIENTS`); `Retry-After`.'),
  );
