import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { OrderNotificationSchema, RebuildProgressSchema } from '@switchyard/contracts';
import { NATS_CONNECTION } from '@switchyard/service';
import type { z } from 'zod';
import { config, TOPOLOGY } from '../config';
import { SseStream } from './sse-stream';

/** Event types on `GET /events`, as the browser's `EventSource` sees them. */
export const LiveFeedEvents = {
  /** The subscriptions are active: everything published from now on is heard. */
  ready: 'ready',
  /** An `OrderNotification`: placed, confirmed, cancelled or rejected. */
  order: 'order',
  /** A `RebuildProgress` sample of any projection's rebuild. */
  rebuildProgress: 'rebuild-progress',
  /** `{ dropped }`: how many events this client missed because it read too slowly. */
  dropped: 'dropped',
} as const;

export interface LiveFeedSession {
  /** Resolves once the NATS server has the subscriptions (then `ready` was sent). */
  ready: Promise<void>;
  /** Unsubscribes and ends the response; safe to call twice. */
  close(): void;
}

/**
 * ### The live feed: core NATS wildcard subscriptions → Server-Sent Events
 *
 * Each `GET /events` client gets its own subscriptions on the gateway's connection:
 * `notify.orders.>` (or `notify.orders.<region>.*` with `?region=`) and
 * `projections.*.rebuild.progress`. The NATS server does the filtering, and a client
 * that leaves takes its subscriptions with it.
 *
 * **At-most-once, on purpose.** Core NATS delivers to whoever is subscribed *right now*
 * and keeps nothing: a notification published while this client was disconnected (or
 * before it subscribed, or while the gateway restarted) is gone, and reconnecting does
 * not bring it back. That is the right price for a live view (no storage, no acks, no
 * replay storms after an outage); anything that must see every event is a JetStream or
 * Kafka consumer. `tests/e2e/src/live-feed-vs-jetstream.e2e.spec.ts` shows both side by side.
 */
@Injectable()
export class LiveFeed implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveFeed.name);
  private readonly sessions = new Set<LiveFeedSession>();
  private droppedTotal = 0;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  open(response: ServerResponse, region?: string): LiveFeedSession {
    const stream = new SseStream(
      response,
      { heartbeatMs: config.SSE_HEARTBEAT_MS, maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES },
      () => (this.droppedTotal += 1),
    );
    const { subjects } = TOPOLOGY.nats;
    const orderSubject = region
      ? subjects.regionOrderNotifications(region)
      : subjects.allOrderNotifications;
    const subscriptions: Subscription[] = [
      this.forward(orderSubject, OrderNotificationSchema, (data) =>
        stream.send(LiveFeedEvents.order, data),
      ),
      this.forward(subjects.allRebuildProgress, RebuildProgressSchema, (data) =>
        stream.send(LiveFeedEvents.rebuildProgress, data),
      ),
    ];
    let closed = false;
    const session: LiveFeedSession = {
      // A flush is a round trip: once the server answers, it has processed our SUBs,
      // so the client may rely on hearing everything published after `ready`.
      ready: this.nc.flush().then(() => {
        if (!closed) stream.send(LiveFeedEvents.ready, { subject: orderSubject });
      }),
      close: () => {
        if (closed) return;
        closed = true;
        for (const subscription of subscriptions) subscription.unsubscribe();
        stream.close();
        this.sessions.delete(session);
      },
    };
    this.sessions.add(session);
    return session;
  }

  /** Connected clients, and events dropped for slow clients since the gateway started. */
  stats(): { clients: number; dropped: number } {
    return { clients: this.sessions.size, dropped: this.droppedTotal };
  }

  /**
   * End every stream before the HTTP server closes: an open event stream is never idle,
   * so the server would otherwise wait for browsers to hang up. They reconnect to
   * another instance by themselves (`retry:`).
   */
  beforeApplicationShutdown(): void {
    for (const session of [...this.sessions]) session.close();
  }

  private forward<T>(
    subject: string,
    schema: z.ZodType<T>,
    deliver: (data: T) => void,
  ): Subscription {
    return this.nc.subscribe(subject, {
      callback: (error, message: Msg) => {
        if (error) return;
        const parsed = schema.safeParse(parseJson(message));
        // A message we cannot read is skipped: this feed is a view, not a record.
        if (parsed.success) deliver(parsed.data);
        else
          this.logger.debug({ msg: 'unreadable notification skipped', subject: message.subject });
      },
    });
  }
}

function parseJson(message: Msg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}
