import {
  CONTROLLED_SERVICES,
  ConsumerControlCommandSchema,
  ConsumerControlReplySchema,
} from '../consumer-control';
import { GetStockQuerySchema, GetStockReplySchema } from '../inventory/stock';
import { ReleaseStockCommandSchema, ReleaseStockReplySchema } from '../inventory/stock';
import { ReserveStockCommandSchema, ReserveStockReplySchema } from '../inventory/stock';
import {
  OrderCancelledV1EnvelopeSchema,
  OrderConfirmedV1EnvelopeSchema,
  OrderPlacedV1EnvelopeSchema,
  OrderPlacedV2EnvelopeSchema,
  OrderRejectedV1EnvelopeSchema,
  type CurrentOrderEvent,
} from '../orders/events';
import { GetOrderQuerySchema, GetOrderReplySchema } from '../orders/get-order';
import { GetOrderJourneyQuerySchema, GetOrderJourneyReplySchema } from '../orders/order-journey';
import { GetOrderStatusQuerySchema, GetOrderStatusReplySchema } from '../orders/get-order-status';
import { OrderNotificationSchema } from '../orders/notifications';
import { PlaceOrderCommandSchema, PlaceOrderReplySchema } from '../orders/place-order';
import { upcastOrderEvent } from '../orders/upcasters';
import {
  PaymentDeclinedEnvelopeSchema,
  PaymentOutcomeSchema,
  PaymentRequestedEnvelopeSchema,
  PaymentSucceededEnvelopeSchema,
} from '../payments/events';
import {
  GetProjectionStatusQuerySchema,
  ProjectionStatusSchema,
  RebuildProgressSchema,
  RebuildProjectionCommandSchema,
  RebuildProjectionReplySchema,
} from '../projections';
import type { Topology } from '../topology';
import {
  broadcast,
  channel,
  decodeWith,
  route,
  subscription,
  type AppName,
  type Decoded,
  type EventDefinition,
} from './define';

/**
 * Order events in their current version (v1 `OrderPlaced` is upcast on the way in): the
 * decoder of both order-event channels. Exported because the read models decode inside
 * their own batch transaction, on worker threads too (where no catalog is passed): they
 * call this very function (`catalog.unit.spec.ts` checks it is the channel's).
 */
export const decodeOrderEvent = (raw: unknown): Decoded<CurrentOrderEvent> => {
  const result = upcastOrderEvent(raw);
  return result.ok ? { ok: true, message: result.event } : result;
};

/** What every reader of the order events does with each of them. */
const EVERY_ORDER_EVENT = ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled', 'OrderRejected'];

/**
 * ### The message catalog: what flows where, and who handles it.
 *
 * The topology spells every name; this says what travels under it: each request-reply
 * route (request and reply schemas, queue group, timeout, server and callers), each
 * channel (subject or topic, stream, key, the events on it), each event (its versions,
 * its producers) and each subscription (which consumer handles which events, with which
 * delivery guarantee). Apps are wired from it (`packages/service`), and the AsyncAPI
 * document, its HTML and the topology table of docs/architecture.md are generated from it
 * (`tools/catalog`), so none of them can drift from the code.
 */
export function catalog(t: Topology) {
  const { subjects, queues, streams, consumers } = t.nats;
  const { topics, groups } = t.kafka;
  const [bridgeOrders] = t.bridgeRoutes;

  const routes = {
    placeOrder: route({
      name: 'PlaceOrder',
      subject: subjects.placeOrder,
      queue: queues.orders,
      request: PlaceOrderCommandSchema,
      reply: PlaceOrderReplySchema,
      server: 'orders',
      clients: ['gateway'],
      timeoutMs: 5_000,
      summary:
        'Places an order: replies after OrderPlaced is stored in JetStream (deduplicated by commandId).',
    }),
    getOrder: route({
      name: 'GetOrder',
      subject: subjects.getOrder,
      queue: queues.projector,
      request: GetOrderQuerySchema,
      reply: GetOrderReplySchema,
      server: 'projector',
      clients: ['gateway'],
      timeoutMs: 5_000,
      summary: 'Reads an order from the live read model (found: false is an answer).',
    }),
    getOrderJourney: route({
      name: 'GetOrderJourney',
      subject: subjects.getOrderJourney,
      queue: queues.projector,
      request: GetOrderJourneyQuerySchema,
      reply: GetOrderJourneyReplySchema,
      server: 'projector',
      clients: ['gateway'],
      timeoutMs: 5_000,
      summary:
        "Where the live projector found each of an order's events on Kafka, and when it wrote them.",
    }),
    getOrderStatus: route({
      name: 'GetOrderStatus',
      subject: subjects.getOrderStatus,
      queue: queues.orders,
      request: GetOrderStatusQuerySchema,
      reply: GetOrderStatusReplySchema,
      server: 'orders',
      // Operators and tests ask it directly (nats CLI, the int tier).
      clients: [],
      timeoutMs: 5_000,
      summary: "An order's status from its event stream: strongly consistent, unlike GetOrder.",
    }),
    reserveStock: route({
      name: 'ReserveStock',
      subject: subjects.reserveStock,
      queue: queues.inventory,
      request: ReserveStockCommandSchema,
      reply: ReserveStockReplySchema,
      server: 'inventory',
      clients: ['orders'],
      timeoutMs: 5_000,
      summary: "Reserves all of an order's lines or none; idempotent per order.",
    }),
    releaseStock: route({
      name: 'ReleaseStock',
      subject: subjects.releaseStock,
      queue: queues.inventory,
      request: ReleaseStockCommandSchema,
      reply: ReleaseStockReplySchema,
      server: 'inventory',
      clients: ['orders'],
      timeoutMs: 5_000,
      summary: "Gives an order's reserved stock back, once.",
    }),
    getStock: route({
      name: 'GetStock',
      subject: subjects.getStock,
      queue: queues.inventory,
      request: GetStockQuerySchema,
      reply: GetStockReplySchema,
      server: 'inventory',
      // Operators and tests ask it directly (nats CLI, the e2e tier).
      clients: [],
      timeoutMs: 5_000,
      summary: 'Units available for one SKU.',
    }),
    rebuildProjection: route({
      name: 'RebuildProjection',
      subject: subjects.rebuildProjection,
      queue: queues.rebuilder,
      request: RebuildProjectionCommandSchema,
      reply: RebuildProjectionReplySchema,
      server: 'rebuilder',
      clients: ['gateway'],
      timeoutMs: 5_000,
      summary:
        'Starts a blue-green rebuild from Kafka offset zero; replies once the run is recorded.',
    }),
    getProjectionStatus: route({
      name: 'GetProjectionStatus',
      subject: subjects.getProjectionStatus,
      queue: queues.rebuilder,
      request: GetProjectionStatusQuerySchema,
      reply: ProjectionStatusSchema,
      server: 'rebuilder',
      clients: ['gateway'],
      timeoutMs: 5_000,
      summary: 'Live and kept versions of a read model, and its last rebuild run.',
    }),
  } as const;

  /** Routes answered by every instance of their server (no queue group). */
  const broadcasts = {
    consumerControl: broadcast({
      name: 'ConsumerControl',
      address: subjects.consumerControl('{service}'),
      subject: subjects.consumerControl,
      request: ConsumerControlCommandSchema,
      reply: ConsumerControlReplySchema,
      servers: CONTROLLED_SERVICES,
      clients: ['gateway'],
      timeoutMs: 5_000,
      summary:
        "Pause, resume or report a service's consumers: every instance acts on its own and answers with its state.",
    }),
  } as const;

  const channels = {
    orderEvents: channel({
      address: subjects.orderEvents('{orderId}'),
      transport: 'jetstream',
      storedIn: streams.orders.name,
      parameters: { orderId: 'The order: one subject per order gives per-order concurrency.' },
      key: 'orderId',
      messages: EVERY_ORDER_EVENT,
      decode: decodeOrderEvent,
      summary:
        'The write side: every event of one order, appended with the expected last subject sequence.',
    }),
    paymentRequests: channel({
      address: subjects.paymentRequested,
      transport: 'jetstream',
      storedIn: streams.payments.name,
      parameters: {},
      messages: ['PaymentRequested'],
      decode: decodeWith(PaymentRequestedEnvelopeSchema, 'PaymentRequested'),
      summary: 'A work queue: one request per order (Nats-Msg-Id), deleted once a worker acks it.',
    }),
    paymentOutcomes: channel({
      address: subjects.paymentEvents('{orderId}'),
      transport: 'jetstream',
      storedIn: streams.paymentEvents.name,
      parameters: { orderId: 'The order the payment is for.' },
      key: 'orderId',
      messages: ['PaymentSucceeded', 'PaymentDeclined'],
      decode: decodeWith(PaymentOutcomeSchema, 'payment outcome'),
      summary: "A payment's outcome, one per order.",
    }),
    orderNotifications: channel({
      address: subjects.orderNotification('{region}', '{event}' as 'placed'),
      transport: 'nats-core',
      parameters: {
        region: 'The order region (a subject token).',
        event: 'placed, confirmed, cancelled or rejected.',
      },
      messages: ['OrderNotification'],
      decode: decodeWith(OrderNotificationSchema, 'OrderNotification'),
      summary: 'At-most-once, after each append: a live feed, never the source of truth.',
    }),
    rebuildProgress: channel({
      address: subjects.rebuildProgress('{projection}'),
      transport: 'nats-core',
      parameters: { projection: 'The read model being rebuilt (orders).' },
      messages: ['RebuildProgress'],
      decode: decodeWith(RebuildProgressSchema, 'RebuildProgress'),
      summary:
        'At-most-once, about once a second during a rebuild; the durable record is rebuild_runs.',
    }),
    orderHistory: channel({
      address: topics.orderEvents.name,
      transport: 'kafka',
      storedIn: topics.orderEvents.name,
      parameters: {},
      key: 'orderId',
      partitions: topics.orderEvents.partitions,
      messages: EVERY_ORDER_EVENT,
      decode: decodeOrderEvent,
      summary:
        'The history, kept for ever: keyed by order id, envelope also in sy-* headers; read models are projected and rebuilt from it.',
    }),
  } as const;

  const events = {
    OrderPlaced: {
      type: 'OrderPlaced',
      versions: { 1: OrderPlacedV1EnvelopeSchema, 2: OrderPlacedV2EnvelopeSchema },
      current: 2,
      producers: { orders: ['orderEvents'], bridge: ['orderHistory'], seed: ['orderHistory'] },
      channels: ['orderEvents', 'orderHistory'],
      summary:
        'An order was placed (v2: every line numbered). The bridge forwards it to Kafka; seed writes v1 and v2 there.',
    },
    OrderConfirmed: {
      type: 'OrderConfirmed',
      versions: { 1: OrderConfirmedV1EnvelopeSchema },
      current: 1,
      producers: { orders: ['orderEvents'], bridge: ['orderHistory'], seed: ['orderHistory'] },
      channels: ['orderEvents', 'orderHistory'],
      summary: 'Stock reserved and payment taken (or nothing to pay).',
    },
    OrderCancelled: {
      type: 'OrderCancelled',
      versions: { 1: OrderCancelledV1EnvelopeSchema },
      current: 1,
      producers: { orders: ['orderEvents'], bridge: ['orderHistory'], seed: ['orderHistory'] },
      channels: ['orderEvents', 'orderHistory'],
      summary: 'Payment declined or the deadline passed; stock given back first.',
    },
    OrderRejected: {
      type: 'OrderRejected',
      versions: { 1: OrderRejectedV1EnvelopeSchema },
      current: 1,
      producers: { orders: ['orderEvents'], bridge: ['orderHistory'], seed: ['orderHistory'] },
      channels: ['orderEvents', 'orderHistory'],
      summary: 'Stock could not be reserved: nothing was reserved or paid.',
    },
    PaymentRequested: {
      type: 'PaymentRequested',
      versions: { 1: PaymentRequestedEnvelopeSchema },
      current: 1,
      producers: { orders: ['paymentRequests'] },
      channels: ['paymentRequests'],
      summary: "The saga asks for an order's payment once its stock is reserved.",
    },
    PaymentSucceeded: {
      type: 'PaymentSucceeded',
      versions: { 1: PaymentSucceededEnvelopeSchema },
      current: 1,
      producers: { payments: ['paymentOutcomes'] },
      channels: ['paymentOutcomes'],
      summary: 'The payment was taken.',
    },
    PaymentDeclined: {
      type: 'PaymentDeclined',
      versions: { 1: PaymentDeclinedEnvelopeSchema },
      current: 1,
      producers: { payments: ['paymentOutcomes'] },
      channels: ['paymentOutcomes'],
      summary: 'The payment was declined, with the reason.',
    },
    OrderNotification: {
      type: 'OrderNotification',
      versions: { 1: OrderNotificationSchema },
      current: 1,
      producers: { orders: ['orderNotifications'] },
      channels: ['orderNotifications'],
      summary: 'Something happened to an order (a live-feed message, not an event of record).',
    },
    RebuildProgress: {
      type: 'RebuildProgress',
      versions: { 1: RebuildProgressSchema },
      current: 1,
      producers: { rebuilder: ['rebuildProgress'] },
      channels: ['rebuildProgress'],
      summary: "A rebuild run's progress: events applied, events/s, ETA.",
    },
  } as const satisfies Record<string, EventDefinition>;

  const subscriptions = {
    ordersSaga: subscription({
      app: 'orders',
      channel: channels.orderEvents,
      channelName: 'orderEvents',
      consumer: { kind: 'jetstream', ...consumers.ordersSaga },
      delivery: 'at-least-once',
      handles: { OrderPlaced: 'reserve stock, then request the payment or reject the order' },
      summary: 'The order saga: every step idempotent, nak with backoff, then a dead letter.',
    }),
    ordersDeadlines: subscription({
      app: 'orders',
      channel: channels.orderEvents,
      channelName: 'orderEvents',
      consumer: { kind: 'jetstream', ...consumers.ordersDeadlines },
      delivery: 'at-least-once',
      handles: { OrderPlaced: 'nak until the payment deadline, then cancel the order if open' },
      summary: 'The order deadline: each OrderPlaced is its own durable timer.',
    }),
    ordersPaymentOutcomes: subscription({
      app: 'orders',
      channel: channels.paymentOutcomes,
      channelName: 'paymentOutcomes',
      consumer: { kind: 'jetstream', ...consumers.ordersPaymentOutcomes },
      delivery: 'at-least-once',
      handles: {
        PaymentSucceeded: 'confirm the order (a success after a cancel: refund due)',
        PaymentDeclined: 'release the stock, then cancel the order',
      },
      summary: 'The saga, after the payment.',
    }),
    paymentsWorker: subscription({
      app: 'payments',
      channel: channels.paymentRequests,
      channelName: 'paymentRequests',
      consumer: { kind: 'jetstream', ...consumers.paymentsWorker },
      delivery: 'at-least-once',
      handles: { PaymentRequested: 'decide once (KV PAYMENTS), publish the outcome' },
      summary: 'The work-queue worker: decided once per order, whatever the redeliveries.',
    }),
    bridgeOrders: subscription({
      app: 'bridge',
      channel: channels.orderEvents,
      channelName: 'orderEvents',
      consumer: { kind: 'jetstream', ...bridgeOrders },
      delivery: 'at-least-once',
      handles: {
        OrderPlaced: `forwarded to ${topics.orderEvents.name}`,
        OrderConfirmed: `forwarded to ${topics.orderEvents.name}`,
        OrderCancelled: `forwarded to ${topics.orderEvents.name}`,
        OrderRejected: `forwarded to ${topics.orderEvents.name}`,
      },
      summary: 'JetStream → Kafka, in order per key; acks JetStream only after Kafka acked.',
    }),
    projectorOrders: subscription({
      app: 'projector',
      channel: channels.orderHistory,
      channelName: 'orderHistory',
      consumer: { kind: 'kafka', group: groups.projector, topic: topics.orderEvents.name },
      delivery: 'effectively-once',
      handles: {
        OrderPlaced: 'insert the order row',
        OrderConfirmed: 'status CONFIRMED',
        OrderCancelled: 'status CANCELLED, with the reason',
        OrderRejected: 'status REJECTED, with the reason',
      },
      summary: 'The live read model: rows and next offset in one Postgres transaction.',
    }),
    rebuilderOrders: subscription({
      app: 'rebuilder',
      channel: channels.orderHistory,
      channelName: 'orderHistory',
      consumer: {
        kind: 'kafka',
        group: groups.rebuilder('{runId}'),
        topic: topics.orderEvents.name,
      },
      delivery: 'effectively-once',
      handles: {
        OrderPlaced: 'insert the order row (orders_vN+1)',
        OrderConfirmed: 'status CONFIRMED (orders_vN+1)',
        OrderCancelled: 'status CANCELLED (orders_vN+1)',
        OrderRejected: 'status REJECTED (orders_vN+1)',
      },
      summary: 'A blue-green rebuild: a fresh group per run replays from offset zero.',
    }),
    gatewayOrderFeed: subscription({
      app: 'gateway',
      channel: channels.orderNotifications,
      channelName: 'orderNotifications',
      consumer: { kind: 'nats-core', subject: subjects.allOrderNotifications },
      delivery: 'at-most-once',
      handles: { OrderNotification: 'GET /events (SSE) and the dashboard feed' },
      summary: 'The live feed: a listener that is offline misses what happened meanwhile.',
    }),
    gatewayRebuildProgress: subscription({
      app: 'gateway',
      channel: channels.rebuildProgress,
      channelName: 'rebuildProgress',
      consumer: { kind: 'nats-core', subject: subjects.allRebuildProgress },
      delivery: 'at-most-once',
      handles: { RebuildProgress: "GET /events (SSE): the dashboard's progress bar" },
      summary: 'Live rebuild progress.',
    }),
  } as const;

  return { routes, broadcasts, channels, events, subscriptions };
}

export type Catalog = ReturnType<typeof catalog>;
export type RouteName = keyof Catalog['routes'];
export type SubscriptionName = keyof Catalog['subscriptions'];
export type EventName = keyof Catalog['events'];
export type ChannelName = keyof Catalog['channels'];

/** The channels app `A` publishes on: those some event lists `A` as its producer on. */
export type ChannelsPublishedBy<A extends AppName> = {
  [E in EventName]: Catalog['events'][E]['producers'] extends infer P
    ? A extends keyof P
      ? P[A] extends readonly (infer C)[]
        ? C
        : never
      : never
    : never;
}[EventName];

/**
 * ### The channel an app publishes on, as the catalog says it does.
 *
 * Producers take their subject or topic from here rather than from the topology: a channel
 * the catalog does not list the app as a producer on does not compile (and is refused at
 * run time, for a name that got past the type checker), so the catalog's `producers` stay
 * true. `address` still has its `{parameters}`: fill them with `addressOf`.
 */
export function publishedChannel<A extends AppName, C extends ChannelsPublishedBy<A>>(
  messages: Catalog,
  app: A,
  name: C & ChannelName,
): Catalog['channels'][C & ChannelName] {
  const published = Object.values(messages.events).some((event) => {
    const channels = (event.producers as Partial<Record<AppName, readonly string[]>>)[app];
    return channels?.includes(name) ?? false;
  });
  if (!published) throw new Error(`the catalog lists no event that ${app} publishes on ${name}`);
  return messages.channels[name];
}

/**
 * A channel's (or a broadcast route's) address with its `{parameters}` filled in:
 * `rebuildProgress` with `{ projection: 'orders' }` is `projections.orders.rebuild.progress`.
 * A parameter left out is an error: a subject with `{braces}` in it would be valid NATS, and
 * nobody would ever hear it.
 */
export function addressOf(
  channel: { address: string; parameters: Readonly<Record<string, string>> },
  values: Readonly<Record<string, string>>,
): string {
  return channel.address.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (!Object.hasOwn(channel.parameters, name) || values[name] === undefined)
      throw new Error(`no value for {${name}} in ${channel.address}`);
    return values[name];
  });
}

/** The routes whose handler lives in app `A`. */
export type RoutesServedBy<A extends AppName> = {
  [K in RouteName]: Catalog['routes'][K]['server'] extends A ? K : never;
}[RouteName];

/** The subscriptions app `A` runs. */
export type SubscriptionsOf<A extends AppName> = {
  [K in SubscriptionName]: Catalog['subscriptions'][K]['app'] extends A ? K : never;
}[SubscriptionName];
