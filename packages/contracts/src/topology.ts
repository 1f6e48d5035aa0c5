import { NamespaceSchema } from './namespace';
import type { ControlledService } from './consumer-control';
import type { OrderNotificationEvent } from './orders/notifications';

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
 * - **Core NATS notifications** (`notify.orders.<region>.<event>`): at-most-once on purpose.
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

/** Where one consumer's dead letters are, and where a redrive puts them back. */
export interface DeadLetterSource {
  /** `orders.saga`, `payments.requested`…: the redrive command's `--source`. */
  source: string;
  deadLetterSubject: string;
  /** `null`: back to the original subject (a work queue); else `redrive.<source>`. */
  redriveSubject: string | null;
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
    /**
     * Core NATS, at-most-once: something happened to an order in a region, published
     * right after the event was stored in JetStream. `event` is past tense: `placed`,
     * `confirmed`, `cancelled`, `rejected` (contracts' `OrderNotificationEvents`).
     */
    orderNotification: (region: string, event: OrderNotificationEvent) =>
      dotted(`notify.orders.${region}.${event}`),
    /** Core NATS, at-most-once: an order was placed in a region. */
    orderPlacedNotification: (region: string) => dotted(`notify.orders.${region}.placed`),
    /** Core NATS wildcard: `*` matches exactly one token, here every region. */
    allOrderPlacedNotifications: dotted('notify.orders.*.placed'),
    /**
     * Every notification of one region: `*` stands for exactly one token (the event), so
     * `notify.orders.eu-west.*` matches `notify.orders.eu-west.placed` but not a subject
     * with more tokens after it.
     */
    regionOrderNotifications: (region: string) => dotted(`notify.orders.${region}.*`),
    /**
     * Every order notification: `>` matches ONE OR MORE trailing tokens, so this catches
     * every region and every event (and any token a later version appends). `>` may only
     * stand last; `*` may stand anywhere but covers exactly one token.
     */
    allOrderNotifications: dotted('notify.orders.>'),
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
    /**
     * JetStream work queue: a dead letter put back for ONE consumer. Used where the
     * original subject is an event log (`orders.events.<id>`, `payments.events.<id>`):
     * republishing there would record the same fact twice, for every reader of the log.
     */
    redrive: (source: string) => dotted(`redrive.${source}`),
    allRedrives: dotted('redrive.>'),
    /** Request-reply: `RebuildProjectionCommand` → `RebuildProjectionReply` (rebuilder). */
    rebuildProjection: dotted('projections.cmd.rebuild'),
    /** Request-reply: `GetProjectionStatusQuery` → `ProjectionStatus` (rebuilder). */
    getProjectionStatus: dotted('projections.query.status'),
    /** Core NATS, at-most-once: live progress of a rebuild (a dashboard, not a record). */
    rebuildProgress: (projection: string) => dotted(`projections.${projection}.rebuild.progress`),
    /** Core NATS wildcard: the progress of every projection's rebuild (`*` = the name). */
    allRebuildProgress: dotted('projections.*.rebuild.progress'),
    /**
     * Core NATS request-reply WITHOUT a queue group: `ConsumerControl` → one
     * `ConsumerControlReply` per instance of `service` (pause/resume its consumers).
     */
    consumerControl: (service: string) => dotted(`control.${service}.consumers`),
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
    /**
     * Redriven dead letters waiting for the one consumer they are meant for (one durable
     * per `redrive.<source>` subject); deleted once acked.
     */
    redrives: {
      name: upper('REDRIVES'),
      subjects: [subjects.allRedrives],
      duplicateWindowMs: 120_000,
      retention: 'workqueue',
    },
  } as const satisfies Record<string, StreamDefinition>;

  /**
   * A consumer whose dead letters come back through `REDRIVES`: its dead-letter subject,
   * and the durable (same handler) that reads `redrive.<source>`.
   */
  const redrivable = (source: string, durable: string) => ({
    deadLetterSubject: subjects.deadLetters(source),
    redrive: {
      stream: streams.redrives.name,
      durable: upper(`${durable}_REDRIVE`),
      filterSubject: subjects.redrive(source),
    },
  });

  /** Durable JetStream consumers that are not bridge routes. */
  const consumers = {
    /** The order saga (in the orders service) reacting to `OrderPlaced`. */
    ordersSaga: {
      stream: streams.orders.name,
      durable: upper('ORDERS_SAGA'),
      filterSubject: subjects.allOrderEvents,
      ...redrivable('orders.saga', 'ORDERS_SAGA'),
    },
    /** The order saga reacting to payment outcomes. */
    ordersPaymentOutcomes: {
      stream: streams.paymentEvents.name,
      durable: upper('ORDERS_PAYMENT_OUTCOMES'),
      filterSubject: subjects.allPaymentEvents,
      ...redrivable('orders.payment-outcomes', 'ORDERS_PAYMENT_OUTCOMES'),
    },
    /**
     * The order deadline: every `OrderPlaced` is its own timer. This consumer naks it until
     * the order's payment deadline, then cancels the order if it has not ended.
     */
    ordersDeadlines: {
      stream: streams.orders.name,
      durable: upper('ORDERS_DEADLINES'),
      filterSubject: subjects.allOrderEvents,
      ...redrivable('orders.deadlines', 'ORDERS_DEADLINES'),
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

  const groups = {
    projector: dotted('switchyard.projector.orders'),
    /** A fresh group per rebuild run: it has no committed offsets, so it starts at zero. */
    rebuilder: (runId: string) => dotted(`switchyard.rebuilder.orders.${runId}`),
  };

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
      /** This route's key in KV `BRIDGE_LEASES`: only its holder forwards (ADR 0025). */
      leaseKey: 'route.orders',
      ...redrivable('bridge.orders', 'BRIDGE_ORDERS'),
    },
  ] as const;

  /**
   * Every dead-letter source, and where the redrive command puts its messages back.
   * `redriveSubject: null` = the original subject: a work queue, where taking a message
   * back is what the subject is for. The others read an event log, so they come back on
   * `redrive.<source>` to their own consumer only (see `subjects.redrive`).
   */
  const deadLetterSources: readonly DeadLetterSource[] = [
    {
      source: 'payments.requested',
      deadLetterSubject: consumers.paymentsWorker.deadLetterSubject,
      redriveSubject: null,
    },
    ...[
      consumers.ordersSaga,
      consumers.ordersPaymentOutcomes,
      consumers.ordersDeadlines,
      ...bridgeRoutes,
    ].map((consumer) => ({
      source: consumer.deadLetterSubject.slice(dotted('deadletter.').length),
      deadLetterSubject: consumer.deadLetterSubject,
      redriveSubject: consumer.redrive.filterSubject,
    })),
  ];

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
        /**
         * `route.<name>` → the bridge instance that forwards the route: one active
         * forwarder per route keeps an order's events in order on Kafka (ADR 0025).
         */
        bridgeLeases: upper('BRIDGE_LEASES'),
      },
      consumers,
    },
    kafka: {
      topics,
      groups,
      clientId: (service: string) => dotted(`switchyard.${service}`),
    },
    postgres: {
      /** One schema per namespace holds every read model version and its checkpoints. */
      schema: ns ? `switchyard_${ns}` : 'switchyard',
    },
    bridgeRoutes,
    deadLetterSources,
    /**
     * Used only by `npm run scenario -- core-vs-jetstream`: a durable listener on the order
     * events that goes offline and comes back, next to a core NATS subscriber that does the
     * same. Created and deleted by the scenario; no service consumes it.
     */
    scenarioListener: {
      stream: streams.orders.name,
      durable: upper('SCENARIO_LISTENER'),
      filterSubject: subjects.allOrderEvents,
    },
    /**
     * The consumers each service can pause and resume (contracts' `CONTROLLED_SERVICES`),
     * by the name the server knows them: JetStream durables, the projector's Kafka group.
     */
    controlledConsumers: {
      orders: [consumers.ordersSaga.durable, consumers.ordersPaymentOutcomes.durable],
      payments: [consumers.paymentsWorker.durable],
      bridge: bridgeRoutes.map((route) => route.durable),
      projector: [groups.projector],
    } satisfies Record<ControlledService, readonly string[]>,
  };
}

export type Topology = ReturnType<typeof topology>;
export type BridgeRoute = Topology['bridgeRoutes'][number];
