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
 * - **Kafka** (`switchyard.orders.events`): the long-term, replayable log, keyed by order id,
 *   kept for ever (its configs are declared here and reconciled on start).
 *
 * `namespace` prefixes everything (see namespace.ts); the default is the empty namespace.
 */
/**
 * ### How much a JetStream stream or KV bucket keeps, declared, never left to defaults.
 *
 * JetStream's defaults keep everything for ever (no age or size limit): a stream grows
 * until the disk is full and then every stream on the server fails. Each stream and
 * bucket below says what it must keep and why; `ensureStream`/`ensureKvBucket` (package
 * messaging) create them with these limits and correct an existing one on every start,
 * logging what changed. The number of replicas is not declared here: it is a property of
 * the deployment (1 on a laptop, 3 on a cluster), read from `JETSTREAM_REPLICAS`
 * (package config) and passed to the same functions. See ADR 0022.
 */
export interface JetStreamLimits {
  /** Messages older than this are deleted, whatever `discard` says; 0 = no age limit. */
  maxAgeMs: number;
  /**
   * Bytes the stream may hold. The server reserves them up front against its
   * `max_file_store` (creation fails with "insufficient storage resources" when the
   * reservations exceed it), so every limit here is a deliberate size, not "big".
   */
  maxBytes: number;
  /**
   * At `maxBytes`: `new` refuses the write (the publisher gets an error: nothing already
   * stored is lost); `old` deletes the oldest messages to make room (silently).
   */
  discard: 'old' | 'new';
}

export interface StreamDefinition extends JetStreamLimits {
  name: string;
  subjects: readonly string[];
  /** How long a `Nats-Msg-Id` is remembered (dedupe); at most `maxAgeMs` when that is set. */
  duplicateWindowMs: number;
  /** `limits` (default): kept until limits; `workqueue`: deleted once acked. */
  retention?: 'limits' | 'workqueue';
}

/** A JetStream KV bucket (a stream named `KV_<name>` underneath). `maxAgeMs` is the TTL. */
export interface KvBucketDefinition extends JetStreamLimits {
  name: string;
  /** Revisions kept per key. */
  history: number;
  /** The backing stream's dedupe window (`Nats-Msg-Id`), relied on by compare-and-set retries. */
  duplicateWindowMs: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Where one consumer's dead letters are, and where a redrive puts them back. */
export interface DeadLetterSource {
  /** `orders.saga`, `payments.requested`…: the redrive command's `--source`. */
  source: string;
  deadLetterSubject: string;
  /** `null`: back to the original subject (a work queue); else `redrive.<source>`. */
  redriveSubject: string | null;
}

/**
 * How many copies of every Kafka partition the cluster keeps. The producer writes with
 * `acks=all`: a write is acknowledged once `minInsyncReplicas` replicas have it, so with 3
 * replicas and 2 in sync, one broker can be lost without losing an acknowledged event.
 */
export interface KafkaReplication {
  /** Replicas per partition: 1 on a single local broker, 3 on a production cluster. */
  replicationFactor: number;
  /** Replicas an `acks=all` write must reach: 1 locally, 2 with 3 replicas. */
  minInsyncReplicas: number;
}

/** One local broker (`npm run brokers`, docker compose): one copy of everything. */
export const LOCAL_KAFKA_REPLICATION: KafkaReplication = {
  replicationFactor: 1,
  minInsyncReplicas: 1,
};

/**
 * A Kafka topic as Switchyard declares it. `KafkaAdmin.ensureTopics` creates it so, and
 * reconciles an existing topic with it on every start (ADR 0023).
 */
export interface TopicDefinition {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs (`retention.ms`, …), pinned on the topic, never inherited. */
  configs: Readonly<Record<string, string>>;
}

export interface TopologyOptions {
  /** Kafka replication; `LOCAL_KAFKA_REPLICATION` when left out. */
  kafka?: KafkaReplication;
}

export function topology(namespace = '', options: TopologyOptions = {}) {
  const ns = NamespaceSchema.parse(namespace);
  const replication = checkedReplication(options.kafka ?? LOCAL_KAFKA_REPLICATION);
  /** NATS subjects and Kafka topics: dot-separated, so the namespace is the first token. */
  const dotted = (name: string) => (ns ? `${ns}.${name}` : name);
  /** JetStream stream and consumer names may not contain dots. */
  const upper = (name: string) => (ns ? `${ns.toUpperCase()}_${name}` : name);

  const subjects = {
    /** Request-reply: `PlaceOrderCommand` → `PlaceOrderReply`. */
    placeOrder: dotted('orders.cmd.place'),
    /** Request-reply: `GetOrderQuery` → `GetOrderReply`. */
    getOrder: dotted('orders.query.get'),
    /** Request-reply: `GetOrderStatusQuery` → `GetOrderStatusReply` (the write side). */
    getOrderStatus: dotted('orders.query.status'),
    /** Request-reply: `GetOrderJourneyQuery` → `GetOrderJourneyReply` (projector). */
    getOrderJourney: dotted('orders.query.journey'),
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
    /**
     * Core NATS, at-most-once BY DESIGN: one reading of one metric of one device
     * (`telemetry.<site>.<device>.<metric>`). A lost reading is replaced by the next one, so
     * nothing stores or acks them, and the family lies outside every stream's subjects.
     * Readers cut the hierarchy with wildcards instead of asking for new topics: see
     * `telemetryMetric` and `telemetrySite` (lesson 12, `npm run scenario -- telemetry`).
     */
    telemetry: (site: string, device: string, metric: string) =>
      dotted(`telemetry.${site}.${device}.${metric}`),
    /** One metric of every device of every site: `*` stands for exactly one token each. */
    telemetryMetric: (metric: string) => dotted(`telemetry.*.*.${metric}`),
    /** Everything one site sends: `>` matches every device and every metric below it. */
    telemetrySite: (site: string) => dotted(`telemetry.${site}.>`),
    /**
     * Core NATS: an aggregator's own count of the readings it never got (gaps in the
     * devices' sequence numbers), `TelemetryLossReport`. Outside `telemetry.>`, so no reader
     * of readings gets reports by accident.
     */
    telemetryLoss: (aggregator: string) => dotted(`telemetry-loss.${aggregator}`),
    allTelemetryLoss: dotted('telemetry-loss.*'),
  } as const;

  const streams = {
    /**
     * The write-side event store. `duplicateWindowMs` is how long a `Nats-Msg-Id` is
     * remembered: a command retried within it is stored once.
     *
     * Retention: ORDERS is NOT the history (Kafka is: `switchyard.orders.events` keeps
     * every event for ever). It must keep an order's events while the order is live (the
     * write side folds them to decide) and every event until the bridge has put it on
     * Kafka. 30 days is far beyond both (an order ends within its payment deadline; a
     * bridge outage that long would have paged everyone). At 1 GiB the stream refuses
     * new events (`discard: new`: placing an order fails with an error the client sees)
     * rather than deleting the oldest, which might not be on Kafka yet.
     */
    orders: {
      name: upper('ORDERS'),
      subjects: [subjects.allOrderEvents],
      duplicateWindowMs: 120_000,
      maxAgeMs: 30 * DAY_MS,
      maxBytes: 1 * GiB,
      discard: 'new',
    },
    /**
     * Kept until someone handles them (redrive or decides to drop): no age limit. At 256
     * MiB a dead-letter write is refused; the runner then holds the message and retries
     * (ADR 0021), so a full dead-letter stream stalls its consumers, loudly, instead of
     * losing what they gave up on.
     */
    deadLetters: {
      name: upper('DEADLETTERS'),
      subjects: [subjects.allDeadLetters],
      duplicateWindowMs: 120_000,
      maxAgeMs: 0,
      maxBytes: 256 * MiB,
      discard: 'new',
    },
    /**
     * A work queue: a message is deleted once a worker acks it, and the stream allows one
     * consumer per subject, so each payment request is processed by one worker.
     * Retention: until taken (no age limit: an unprocessed request must not expire); a
     * full queue refuses new requests (the saga's publish fails and is retried).
     */
    payments: {
      name: upper('PAYMENTS'),
      subjects: [subjects.paymentRequested],
      duplicateWindowMs: 120_000,
      retention: 'workqueue',
      maxAgeMs: 0,
      maxBytes: 64 * MiB,
      discard: 'new',
    },
    /**
     * Payment outcomes, read by the saga. Like ORDERS, a log the saga must read before
     * anything may go: 30 days, and a full stream refuses (payments retries) rather than
     * dropping an outcome the saga has not seen. The decision itself is also kept for
     * ever in the PAYMENTS KV bucket.
     */
    paymentEvents: {
      name: upper('PAYMENT_EVENTS'),
      subjects: [subjects.allPaymentEvents],
      duplicateWindowMs: 120_000,
      maxAgeMs: 30 * DAY_MS,
      maxBytes: 256 * MiB,
      discard: 'new',
    },
    /**
     * Redriven dead letters waiting for the one consumer they are meant for (one durable
     * per `redrive.<source>` subject); deleted once acked. Until taken, like PAYMENTS; a
     * full stream makes the redrive command fail (the dead letters stay where they were).
     */
    redrives: {
      name: upper('REDRIVES'),
      subjects: [subjects.allRedrives],
      duplicateWindowMs: 120_000,
      retention: 'workqueue',
      maxAgeMs: 0,
      maxBytes: 64 * MiB,
      discard: 'new',
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

  /**
   * Kafka is the history: a rebuild replays it from offset zero, so nothing may ever
   * expire. No time limit, no size limit, and `delete` (which, with no limits, deletes
   * nothing). NEVER `compact`: compaction keeps only the newest record per key, and the key
   * is the order id, so it would keep one event per order (its last) and throw the rest of
   * its history away. Pinned on the topic, so a broker default (`log.retention.hours`,
   * 168 h) cannot shorten it; time-based retention would also go by the record timestamps
   * (`occurredAt`), so old history would be the first to go.
   */
  const keptForEver = {
    'cleanup.policy': 'delete',
    'retention.ms': '-1',
    'retention.bytes': '-1',
  } as const;
  /**
   * An `acks=all` write is acknowledged once `min.insync.replicas` replicas have it, and an
   * out-of-sync replica may never become leader (that would drop acknowledged records).
   */
  const durable = {
    'min.insync.replicas': String(replication.minInsyncReplicas),
    'unclean.leader.election.enable': 'false',
  } as const;

  const topics = {
    /**
     * The event-sourcing backbone, keyed by order id. The partition count is part of the
     * keying (murmur2(key) mod partitions): an existing topic is never repartitioned by a
     * start, since that would move orders to other partitions and break their order.
     */
    orderEvents: {
      name: dotted('switchyard.orders.events'),
      partitions: 3,
      replicationFactor: replication.replicationFactor,
      configs: { ...keptForEver, ...durable },
    },
    /**
     * Records the projector could not apply. Kept for ever too: a dead letter is the
     * evidence of an event the read model lacks, until someone replays or discards it on
     * purpose; a retention would discard it silently (ADR 0023).
     */
    deadLetters: {
      name: dotted('switchyard.deadletters'),
      partitions: 1,
      replicationFactor: replication.replicationFactor,
      configs: { ...keptForEver, ...durable },
    },
  } as const satisfies Record<string, TopicDefinition>;

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
       * JetStream key-value buckets. A full bucket refuses writes (`discard: new`, as
       * nats.js creates buckets): a change is never made by deleting another key's value.
       */
      kv: {
        /**
         * `stock.<sku>` (available units) and `reservation.<orderId>` (what one order
         * holds): every change is a compare-and-set on the key's revision, so concurrent
         * instances never oversell. Kept for ever: it IS the stock. History 10 revisions.
         */
        inventory: {
          name: upper('INVENTORY'),
          history: 10,
          duplicateWindowMs: 120_000,
          maxAgeMs: 0,
          maxBytes: 64 * MiB,
          discard: 'new',
        },
        /** `payment.<orderId>` → the first decision: kept for ever, so no order is charged twice. */
        payments: {
          name: upper('PAYMENTS'),
          history: 1,
          duplicateWindowMs: 120_000,
          maxAgeMs: 0,
          maxBytes: 256 * MiB,
          discard: 'new',
        },
        /**
         * `Idempotency-Key` → the order it created (orders service), kept for a day
         * (the orders service overrides the age with `IDEMPOTENCY_TTL_HOURS`).
         */
        idempotency: {
          name: upper('IDEMPOTENCY'),
          history: 1,
          duplicateWindowMs: 120_000,
          maxAgeMs: DAY_MS,
          maxBytes: 64 * MiB,
          discard: 'new',
        },
        /**
         * `route.<name>` → the bridge instance that forwards the route: one active
         * forwarder per route keeps an order's events in order on Kafka (ADR 0025). A live
         * key is rewritten every third of the lease TTL; keys of routes no bridge forwards
         * any more disappear after a day.
         */
        bridgeLeases: {
          name: upper('BRIDGE_LEASES'),
          history: 1,
          duplicateWindowMs: 120_000,
          maxAgeMs: DAY_MS,
          maxBytes: 1 * MiB,
          discard: 'new',
        },
      } satisfies Record<string, KvBucketDefinition>,
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

/** Refuses a replication that the producer's `acks=all` could never satisfy. */
function checkedReplication(replication: KafkaReplication): KafkaReplication {
  const { replicationFactor, minInsyncReplicas } = replication;
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1)
    throw new Error(
      `Kafka replication factor must be a positive integer, got ${replicationFactor}`,
    );
  if (
    !Number.isInteger(minInsyncReplicas) ||
    minInsyncReplicas < 1 ||
    minInsyncReplicas > replicationFactor
  )
    throw new Error(
      `Kafka min.insync.replicas must be between 1 and the replication factor (${replicationFactor}), got ${minInsyncReplicas}: acks=all writes would all fail`,
    );
  return replication;
}
