import { NamespaceSchema } from './namespace';

/**
 * ### The topology: every name a message travels under, in one place.
 *
 * Nothing else in the repository spells a subject, stream, consumer, topic or group.
 * Read this file to learn the whole wiring of Switchyard:
 *
 * - **Core NATS request-reply** (`orders.cmd.place`, `orders.query.get`): the fast path.
 *   Handlers sit in queue groups, so adding an instance adds capacity instantly.
 * - **JetStream** (`orders.events.<orderId>` in stream `ORDERS`): the durable write side.
 *   One subject per order gives per-order optimistic concurrency for free.
 * - **Core NATS notifications** (`notify.orders.<region>.placed`): at-most-once on purpose.
 *   They live outside every stream's subject space, so JetStream does not capture them.
 * - **Kafka** (`switchyard.orders.events`): the long-term, replayable log, keyed by order id.
 *
 * `namespace` prefixes everything (see namespace.ts); the default is the empty namespace.
 */
export interface StreamDefinition {
  name: string;
  subjects: readonly string[];
  duplicateWindowMs: number;
}

export function topology(namespace = '') {
  const ns = NamespaceSchema.parse(namespace);
  /** NATS subjects and Kafka topics: dot-separated, so the namespace is the first token. */
  const dotted = (name: string) => (ns ? `${ns}.${name}` : name);
  /** JetStream stream and consumer names may not contain dots. */
  const upper = (name: string) => (ns ? `${ns.toUpperCase()}_${name}` : name);

  const subjects = {
    /** Request-reply: `PlaceOrderCommand` → `PlaceOrderReply`. */
    placeOrder: dotted('orders.cmd.place'),
    /** Request-reply: `GetOrderQuery` → `GetOrderReply`. */
    getOrder: dotted('orders.query.get'),
    /** JetStream: every event of one order. */
    orderEvents: (orderId: string) => dotted(`orders.events.${orderId}`),
    /** JetStream: all order events (`>` matches one or more trailing tokens). */
    allOrderEvents: dotted('orders.events.>'),
    /** Core NATS, at-most-once: an order was placed in a region. */
    orderPlacedNotification: (region: string) => dotted(`notify.orders.${region}.placed`),
    /** Core NATS wildcard: `*` matches exactly one token, here every region. */
    allOrderPlacedNotifications: dotted('notify.orders.*.placed'),
    /** JetStream: messages a consumer gave up on, with the reason in headers. */
    deadLetters: (source: string) => dotted(`deadletter.${source}`),
    allDeadLetters: dotted('deadletter.>'),
  } as const;

  const streams = {
    /**
     * The write-side event store. `duplicateWindowMs` is how long a `Nats-Msg-Id` is
     * remembered: a command retried within it is stored once.
     */
    orders: {
      name: upper('ORDERS'),
      subjects: [subjects.allOrderEvents],
      duplicateWindowMs: 120_000,
    },
    deadLetters: {
      name: upper('DEADLETTERS'),
      subjects: [subjects.allDeadLetters],
      duplicateWindowMs: 120_000,
    },
  } as const satisfies Record<string, StreamDefinition>;

  const topics = {
    orderEvents: { name: dotted('switchyard.orders.events'), partitions: 3 },
    deadLetters: { name: dotted('switchyard.deadletters'), partitions: 1 },
  } as const;

  /**
   * Which JetStream subjects the bridge forwards to which Kafka topic. Adding a route
   * here (and a stream for its subjects) is all it takes to put another event family
   * on the backbone.
   */
  const bridgeRoutes = [
    {
      name: 'orders',
      stream: streams.orders.name,
      filterSubject: subjects.allOrderEvents,
      durable: upper('BRIDGE_ORDERS'),
      topic: topics.orderEvents.name,
      deadLetterSubject: subjects.deadLetters('bridge.orders'),
    },
  ] as const;

  return {
    namespace: ns,
    nats: {
      subjects,
      /** Queue groups: every instance of one service shares the group, each message goes to one. */
      queues: { orders: 'orders', projector: 'projector' },
      streams,
    },
    kafka: {
      topics,
      groups: {
        projector: dotted('switchyard.projector.orders'),
        /** A fresh group per rebuild run: it has no committed offsets, so it starts at zero. */
        rebuilder: (runId: string) => dotted(`switchyard.rebuilder.orders.${runId}`),
      },
      clientId: (service: string) => dotted(`switchyard.${service}`),
    },
    postgres: {
      /** One schema per namespace holds every read model version and its checkpoints. */
      schema: ns ? `switchyard_${ns}` : 'switchyard',
    },
    bridgeRoutes,
  };
}

export type Topology = ReturnType<typeof topology>;
export type BridgeRoute = Topology['bridgeRoutes'][number];
