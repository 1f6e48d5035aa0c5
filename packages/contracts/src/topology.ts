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
 * - **Rebuild control plane** (`projections.cmd.rebuild`, `projections.query.status`,
 *   `projections.<name>.rebuild.progress`): request-reply to the rebuilder, progress at-most-once.
 * - **Kafka** (`switchyard.orders.events`): the long-term, replayable log, keyed by order id.
 *
 * `namespace` prefixes everything (see namespace.ts); the default is the empty namespace.
 */
export interface StreamDefinition {
  name: string;
  subjects: readonly string[];
  duplicateWindowMs: number;
  /** `limits` (default): kept until limits; `workqueue`: deleted once acked. */
  retention?: 'limits' | 'workqueue';
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
    /** Request-reply: `ReserveStockCommand` → `ReserveStockReply` (inventory). */
    reserveStock: dotted('inventory.cmd.reserve'),
    /** Request-reply: `ReleaseStockCommand` → `ReleaseStockReply` (inventory). */
    releaseStock: dotted('inventory.cmd.release'),
    /** Request-reply: `GetStockQuery` → `GetStockReply` (inventory). */
    getStock: dotted('inventory.query.stock'),
    /** JetStream work queue: one `PaymentRequested` per order, taken by one payments worker. */
    paymentRequested: dotted('payments.requested'),
    /** JetStream: a payment's outcome (`PaymentSucceeded` / `PaymentDeclined`), per order. */
    paymentEvents: (orderId: string) => dotted(`payments.events.${orderId}`),
    allPaymentEvents: dotted('payments.events.>'),
    /** JetStream: messages a consumer gave up on, with the reason in headers. */
    deadLetters: (source: string) => dotted(`deadletter.${source}`),
    allDeadLetters: dotted('deadletter.>'),
    /** Request-reply: `RebuildProjectionCommand` → `RebuildProjectionReply` (rebuilder). */
    rebuildProjection: dotted('projections.cmd.rebuild'),
    /** Request-reply: `GetProjectionStatusQuery` → `ProjectionStatus` (rebuilder). */
    getProjectionStatus: dotted('projections.query.status'),
    /** Core NATS, at-most-once: live progress of a rebuild (a dashboard, not a record). */
    rebuildProgress: (projection: string) => dotted(`projections.${projection}.rebuild.progress`),
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
    /**
     * A work queue: a message is deleted once a worker acks it, and the stream allows one
     * consumer per subject, so each payment request is processed by one worker.
     */
    payments: {
      name: upper('PAYMENTS'),
      subjects: [subjects.paymentRequested],
      duplicateWindowMs: 120_000,
      retention: 'workqueue',
    },
    paymentEvents: {
      name: upper('PAYMENT_EVENTS'),
      subjects: [subjects.allPaymentEvents],
      duplicateWindowMs: 120_000,
    },
  } as const satisfies Record<string, StreamDefinition>;

  /** Durable JetStream consumers that are not bridge routes. */
  const consumers = {
    /** The order saga (in the orders service) reacting to `OrderPlaced`. */
    ordersSaga: {
      stream: streams.orders.name,
      durable: upper('ORDERS_SAGA'),
      filterSubject: subjects.allOrderEvents,
      deadLetterSubject: subjects.deadLetters('orders.saga'),
    },
    /** The order saga reacting to payment outcomes. */
    ordersPaymentOutcomes: {
      stream: streams.paymentEvents.name,
      durable: upper('ORDERS_PAYMENT_OUTCOMES'),
      filterSubject: subjects.allPaymentEvents,
      deadLetterSubject: subjects.deadLetters('orders.payment-outcomes'),
    },
    paymentsWorker: {
      stream: streams.payments.name,
      durable: upper('PAYMENTS_WORKER'),
      deadLetterSubject: subjects.deadLetters('payments.requested'),
    },
  } as const;

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
      queues: {
        orders: 'orders',
        projector: 'projector',
        rebuilder: 'rebuilder',
        inventory: 'inventory',
      },
      streams,
      /**
       * JetStream key-value buckets. `inventory` holds `stock.<sku>` (available units) and
       * `reservation.<orderId>` (what one order holds): every change is a compare-and-set
       * on the key's revision, so concurrent instances never oversell.
       */
      kv: {
        inventory: upper('INVENTORY'),
        payments: upper('PAYMENTS'),
        /** `Idempotency-Key` → the order it created (orders service), kept for a day. */
        idempotency: upper('IDEMPOTENCY'),
      },
      consumers,
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
