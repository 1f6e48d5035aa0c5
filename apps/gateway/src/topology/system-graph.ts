import type {
  Catalog,
  SystemTopology,
  Topology,
  TopologyEdge,
  TopologyNode,
} from '@switchyard/contracts';

/**
 * ### The system as the dashboard draws it (`GET /api/topology`)
 *
 * Every name comes from `topology()` and the catalog: a renamed stream or subject moves
 * here by itself, and the page never types one. The semantics of each consumer edge are
 * the catalog's own (`subscriptions.*.delivery`), so the drawing cannot claim more than the
 * code promises. The columns follow an order from left to right: HTTP, request-reply,
 * JetStream, the services that consume it, Kafka, the read side, Postgres.
 */
export function systemGraph(names: Topology, catalog: Catalog): SystemTopology {
  const { streams, consumers } = names.nats;
  const topic = names.kafka.topics.orderEvents;
  const { routes, subscriptions: subs, channels } = catalog;
  const bridge = names.bridgeRoutes[0];

  const nodes: TopologyNode[] = [
    app('gateway', 0, 1, 'HTTP → NATS request-reply; the live feed'),
    app('inventory', 1, 0, 'stock in JetStream KV, compare-and-set'),
    { ...app('orders', 1, 1, 'PlaceOrder and the order saga'), controlledAs: 'orders' },
    {
      id: 'notify',
      kind: 'nats-core',
      label: 'core NATS',
      detail: channels.orderNotifications.address,
      column: 0,
      row: 2.5,
      broker: 'nats',
    },
    stream(streams.payments.name, 2, 2.5, channels.paymentRequests.address),
    stream(streams.orders.name, 2, 1, channels.orderEvents.address),
    stream(streams.paymentEvents.name, 2, 4, channels.paymentOutcomes.address),
    { ...app('payments', 3, 2.5, consumers.paymentsWorker.durable), controlledAs: 'payments' },
    { ...app('bridge', 3, 1, bridge.durable), controlledAs: 'bridge' },
    stream(streams.deadLetters.name, 4, 2.5, 'max_deliver reached or unreadable'),
    {
      id: topic.name,
      kind: 'topic',
      label: topic.name,
      detail: `${topic.partitions} partitions, key = orderId`,
      column: 4,
      row: 1,
      partitions: topic.partitions,
      broker: 'kafka',
    },
    { ...app('projector', 5, 0.3, names.kafka.groups.projector), controlledAs: 'projector' },
    app('rebuilder', 5, 1.9, 'replays from offset 0 into orders_vN+1'),
    {
      id: 'postgres',
      kind: 'database',
      label: 'Postgres',
      detail: `schema ${names.postgres.schema}`,
      column: 6,
      row: 1,
      broker: 'postgres',
    },
  ];

  const edges: TopologyEdge[] = [
    {
      ...edge('gateway', 'orders', routes.placeOrder.subject, 'request-reply'),
      note: 'answered after the JetStream PubAck; no reply in time → 504',
      measure: { kind: 'notifications', event: 'placed' },
    },
    {
      ...edge('orders', 'inventory', routes.reserveStock.subject, 'request-reply'),
      note: 'the saga reserves (and releases) stock; a timeout is retried by redelivery',
    },
    {
      ...edge('orders', streams.orders.name, channels.orderEvents.address, 'at-least-once'),
      note: 'append with the expected last sequence; Nats-Msg-Id drops a retried duplicate',
      measure: { kind: 'notifications' },
    },
    consumerEdge(streams.orders.name, 'orders', subs.ordersSaga, 'orders'),
    consumerEdge(streams.orders.name, 'orders', subs.ordersDeadlines, 'orders'),
    {
      ...edge('orders', streams.payments.name, channels.paymentRequests.address, 'at-least-once'),
      note: 'one request per order (Nats-Msg-Id): a work queue',
    },
    consumerEdge(streams.payments.name, 'payments', subs.paymentsWorker, 'payments'),
    {
      ...edge(
        'payments',
        streams.paymentEvents.name,
        channels.paymentOutcomes.address,
        'at-least-once',
      ),
      note: 'the outcome, decided once per order',
    },
    consumerEdge(streams.paymentEvents.name, 'orders', subs.ordersPaymentOutcomes, 'orders'),
    consumerEdge(streams.orders.name, 'bridge', subs.bridgeOrders, 'bridge'),
    {
      ...edge('bridge', topic.name, topic.name, 'at-least-once'),
      note: 'acks=all, idempotent producer; JetStream acked only after Kafka acked',
      measure: { kind: 'kafka-end', topic: topic.name },
    },
    {
      ...edge(topic.name, 'projector', names.kafka.groups.projector, subs.projectorOrders.delivery),
      note: subs.projectorOrders.summary,
      measure: { kind: 'kafka-group', group: names.kafka.groups.projector },
      pausedWith: 'projector',
    },
    {
      ...edge('projector', 'postgres', `${names.postgres.schema}.orders`, 'effectively-once'),
      note: 'rows and the next offset in one transaction',
      measure: { kind: 'kafka-group', group: names.kafka.groups.projector },
      pausedWith: 'projector',
    },
    {
      ...edge(topic.name, 'rebuilder', names.kafka.groups.rebuilder('{runId}'), 'effectively-once'),
      note: subs.rebuilderOrders.summary,
      measure: { kind: 'rebuild' },
    },
    {
      ...edge('rebuilder', 'postgres', `${names.postgres.schema}.orders_vN+1`, 'effectively-once'),
      note: 'a new version fills up, then the view swaps',
      measure: { kind: 'rebuild' },
    },
    {
      ...edge('orders', 'notify', channels.orderNotifications.address, 'at-most-once'),
      note: 'published after each append; nobody waits for it',
      measure: { kind: 'notifications' },
    },
    {
      ...edge('notify', 'gateway', names.nats.subjects.allOrderNotifications, 'at-most-once'),
      note: subs.gatewayOrderFeed.summary,
      measure: { kind: 'notifications' },
    },
    {
      ...edge(
        'payments',
        streams.deadLetters.name,
        consumers.paymentsWorker.deadLetterSubject,
        'at-least-once',
      ),
      note: 'a poison message leaves the queue, kept for a redrive',
      measure: { kind: 'dead-letters' },
    },
  ];
  return { nodes, edges };
}

function app(id: string, column: number, row: number, detail: string): TopologyNode {
  return { id, kind: 'app', label: id, detail, column, row };
}

function stream(name: string, column: number, row: number, detail: string): TopologyNode {
  return { id: name, kind: 'stream', label: name, detail, column, row, broker: 'nats' };
}

function edge(
  from: string,
  to: string,
  wire: string,
  semantics: TopologyEdge['semantics'],
): Omit<TopologyEdge, 'note'> {
  return { id: `${from}→${to}:${wire}`, from, to, wire, semantics };
}

/** A durable JetStream consumer: the catalog's subscription gives its semantics and summary. */
function consumerEdge(
  from: string,
  to: string,
  subscription: Catalog['subscriptions'][keyof Catalog['subscriptions']],
  pausedWith: NonNullable<TopologyEdge['pausedWith']>,
): TopologyEdge {
  if (subscription.consumer.kind !== 'jetstream') {
    throw new Error(`${subscription.channelName}: not a JetStream consumer`);
  }
  const { durable } = subscription.consumer;
  return {
    ...edge(from, to, durable, subscription.delivery),
    id: durable,
    note: subscription.summary,
    measure: { kind: 'jetstream-consumer', durable },
    pausedWith,
  };
}
