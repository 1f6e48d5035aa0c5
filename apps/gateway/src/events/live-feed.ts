import type { ServerResponse } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type {
  OrderNotification,
  OrderNotificationEvent,
  SubscriptionDefinition,
  SystemOverview,
} from '@switchyard/contracts';
import { NATS_CONNECTION } from '@switchyard/service';
import { CATALOG, config } from '../config';
import { publicView } from './public-view';
import { SseStream } from './sse-stream';

/** Event types on `GET /events`, as the browser's `EventSource` sees them. */
export const LiveFeedEvents = {
  /** The subscriptions are active: everything published from now on is heard. */
  ready: 'ready',
  /** An order notification: placed, confirmed, cancelled or rejected. */
  order: 'order',
  /** A `RebuildProgress` sample of any projection's rebuild. */
  rebuildProgress: 'rebuild-progress',
  /** `{ dropped }`: how many events this client missed because it read too slowly. */
  dropped: 'dropped',
} as const;

/**
 * `public`: `PublicOrderNotification`, nothing that identifies an order or a customer
 * (`GET /events`); `full`: the whole `OrderNotification` (`GET /admin/events`, admin token).
 */
export type FeedView = 'public' | 'full';

export interface FeedClient {
  view: FeedView;
  /** Only this region's orders; all regions when absent. */
  region?: string;
  /** Where the connection comes from: the per-client cap counts by it. */
  clientIp: string;
}

/** Why a new stream is refused: too many altogether (503), or from this client (429). */
export type FeedRefusal = 'full' | 'client-limit';

export interface LiveFeedSession {
  /** Resolves once the NATS server has the subscriptions (then `ready` was sent). */
  ready: Promise<void>;
  /** Ends the response and frees its place; safe to call twice. */
  close(): void;
}

interface Session {
  client: FeedClient;
  stream: SseStream;
}

/**
 * ### The live feed: one core NATS subscription per subject, fanned out to every stream
 *
 * The gateway subscribes once to each subject its catalog subscriptions name
 * (`gatewayOrderFeed`: `notify.orders.>`; `gatewayRebuildProgress`) and writes each
 * message to every open `GET /events` stream: a thousand browsers cost the NATS server
 * two subscriptions, not two thousand (which also meant a thousand copies of every
 * message on the gateway's connection). `?region=` is a filter here, on the decoded
 * notification, no longer a subscription of its own.
 *
 * Streams are capped: `SSE_MAX_CLIENTS` in all (then 503) and `SSE_MAX_CLIENTS_PER_IP`
 * per client address (then 429), so one client cannot hold every socket and file
 * descriptor of the gateway. Each stream's unread bytes are bounded too (`SseStream`).
 *
 * **At-most-once, on purpose.** Core NATS delivers to whoever is subscribed *right now*
 * and keeps nothing: a notification published while a client was disconnected (or
 * before it connected, or while the gateway restarted) is gone, and reconnecting does
 * not bring it back. That is the right price for a live view (no storage, no acks, no
 * replay storms after an outage); anything that must see every event is a JetStream or
 * Kafka consumer. `tests/e2e/src/live-feed-vs-jetstream.e2e.spec.ts` shows both side by side.
 */
@Injectable()
export class LiveFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveFeed.name);
  private readonly sessions = new Set<Session>();
  private readonly perClient = new Map<string, number>();
  private subscriptions: Subscription[] = [];
  private droppedTotal = 0;
  /** Notifications heard per event since start: the orders-per-second chart's counters. */
  private readonly heard: Record<OrderNotificationEvent, number> = {
    placed: 0,
    confirmed: 0,
    cancelled: 0,
    rejected: 0,
  };

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  onApplicationBootstrap(): void {
    const { gatewayOrderFeed, gatewayRebuildProgress } = CATALOG.subscriptions;
    this.subscriptions = [
      this.listen(gatewayOrderFeed, (notification) => this.fanOutOrder(notification)),
      this.listen(gatewayRebuildProgress, (progress) =>
        this.fanOut(
          () => true,
          LiveFeedEvents.rebuildProgress,
          () => progress,
        ),
      ),
    ];
  }

  /** Whether one more stream from this client would be over a cap (checked before `open`). */
  refusal(clientIp: string): FeedRefusal | undefined {
    if (this.sessions.size >= config.SSE_MAX_CLIENTS) return 'full';
    if ((this.perClient.get(clientIp) ?? 0) >= config.SSE_MAX_CLIENTS_PER_IP) return 'client-limit';
    return undefined;
  }

  /** Starts a stream on `response`; call right after `refusal` said none (no await between). */
  open(response: ServerResponse, client: FeedClient): LiveFeedSession {
    const stream = new SseStream(
      response,
      { heartbeatMs: config.SSE_HEARTBEAT_MS, maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES },
      () => (this.droppedTotal += 1),
    );
    const session: Session = { client, stream };
    this.sessions.add(session);
    this.perClient.set(client.clientIp, (this.perClient.get(client.clientIp) ?? 0) + 1);
    let closed = false;
    return {
      // A flush is a round trip: once the server answers, it has processed our SUBs (sent
      // at start-up), so the client may rely on hearing everything published after `ready`.
      ready: this.nc.flush().then(() => {
        if (!closed) stream.send(LiveFeedEvents.ready, { subject: this.orderSubject() });
      }),
      close: () => {
        if (closed) return;
        closed = true;
        stream.close();
        this.sessions.delete(session);
        const left = (this.perClient.get(client.clientIp) ?? 1) - 1;
        if (left > 0) this.perClient.set(client.clientIp, left);
        else this.perClient.delete(client.clientIp);
      },
    };
  }

  /** Open streams, events dropped for slow ones, and NATS subscriptions serving them all. */
  stats(): SystemOverview['liveFeed'] {
    return {
      clients: this.sessions.size,
      dropped: this.droppedTotal,
      subscriptions: this.subscriptions.filter((subscription) => !subscription.isClosed()).length,
      notifications: { ...this.heard },
    };
  }

  /**
   * End every stream before the HTTP server closes: an open event stream is never idle,
   * so the server would otherwise wait for browsers to hang up. They reconnect to
   * another instance by themselves (`retry:`).
   */
  beforeApplicationShutdown(): void {
    for (const { stream } of [...this.sessions]) stream.close();
    this.sessions.clear();
    this.perClient.clear();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private fanOutOrder(notification: OrderNotification): void {
    this.heard[notification.event] += 1;
    let shown: ReturnType<typeof publicView> | undefined;
    this.fanOut(
      ({ region }) => region === undefined || region === notification.region,
      LiveFeedEvents.order,
      ({ view }) => (view === 'full' ? notification : (shown ??= publicView(notification))),
    );
  }

  private fanOut(
    wants: (client: FeedClient) => boolean,
    event: string,
    data: (client: FeedClient) => unknown,
  ): void {
    for (const { client, stream } of this.sessions) {
      if (wants(client)) stream.send(event, data(client));
    }
  }

  private orderSubject(): string {
    return coreSubject(CATALOG.subscriptions.gatewayOrderFeed);
  }

  /** One subscription, on the subject its catalog entry names, decoded by its channel. */
  private listen<T>(
    definition: SubscriptionDefinition<T>,
    deliver: (message: T) => void,
  ): Subscription {
    return this.nc.subscribe(coreSubject(definition), {
      callback: (error, message: Msg) => {
        if (error) return;
        const decoded = definition.channel.decode(parseJson(message));
        // A message we cannot read is skipped: this feed is a view, not a record.
        if (decoded.ok) deliver(decoded.message);
        else
          this.logger.debug({ msg: 'unreadable notification skipped', subject: message.subject });
      },
    });
  }
}

function coreSubject(definition: SubscriptionDefinition<unknown>): string {
  if (definition.consumer.kind !== 'nats-core') {
    throw new Error(`the live feed reads core NATS; the catalog gives ${definition.consumer.kind}`);
  }
  return definition.consumer.subject;
}

function parseJson(message: Msg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}
