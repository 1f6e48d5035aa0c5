import type { Catalog } from '../catalog/catalog';
import { APPS, type AppName } from '../catalog/define';
import type { StreamDefinition, Topology } from '../topology';
import {
  consumerInfo,
  durableConsumer,
  JS_ACCOUNT_INFO,
  kvBucket,
  orderedConsumers,
  streamEnsure,
  streamInfo,
  streamMessageGet,
} from './jetstream-api';

/** Apps that write to Kafka only and never connect to NATS: no NATS user. */
const KAFKA_ONLY_APPS = ['seed'] as const satisfies readonly AppName[];
/** The apps with a NATS user: every app of the catalog (`APPS`) but the Kafka-only ones. */
export type NatsApp = Exclude<AppName, (typeof KAFKA_ONLY_APPS)[number]>;
export const NATS_APPS: readonly NatsApp[] = APPS.filter(
  (app): app is NatsApp => !(KAFKA_ONLY_APPS as readonly AppName[]).includes(app),
);
/** The operator tools: `admin` is the identity of the test suites and of an operator at the `nats` CLI. */
export const NATS_TOOLS = ['redrive', 'scenario', 'bench', 'admin'] as const;

/**
 * ### One NATS user per process, with exactly the subjects it uses.
 *
 * The apps, derived from the catalog's `APPS` (a new app gets a user, and the generated
 * config a stale-check failure, without anyone remembering this list), then the operator
 * tools.
 */
export const NATS_USERS: readonly NatsUser[] = [...NATS_APPS, ...NATS_TOOLS];
export type NatsUser = NatsApp | (typeof NATS_TOOLS)[number];

export interface NatsPermissions {
  /** Subjects the user may publish to (JetStream API calls and acks included). */
  publish: string[];
  /**
   * Subjects the user may subscribe to; `"<subject> <queue>"` allows that queue group only
   * (a plain subscription, or another group, on the same subject is refused).
   */
  subscribe: string[];
  /**
   * May answer the requests it receives (publish once to their reply subject, whatever it
   * is): every responder needs it, since the reply subject is the caller's inbox.
   */
  allowResponses: boolean;
  /** The inbox prefix the user's client must use (`NATS_INBOX_PREFIX`); subscribed as `<prefix>.>`. */
  inboxPrefix: string;
}

/** Everything, for `admin`: the suites' checks and clean-up, an operator's `nats` CLI. */
const EVERYTHING = '>';

/** `orders.events.{orderId}` → `orders.events.*`: a catalog address as a subject pattern. */
const addressPattern = (address: string) => address.replace(/\{[^}]+\}/g, '*');

/**
 * The NATS permissions of every user, derived from the topology's names and the message
 * catalog, so they cannot drift from the code: a route gives its clients a publish and its
 * server a queue subscription; an event gives its producers a publish on its channel; a
 * JetStream subscription gives its app that durable (and its redrive twin and dead-letter
 * subject); a core-NATS subscription gives that subscription. What the catalog does not
 * say (which streams and buckets a service creates and reconciles at start) is declared
 * here, next to the code that does it (`ensureStreams`, `ensureKvBucket`).
 */
export function natsPermissions(
  t: Topology,
  c: Catalog,
): Readonly<Record<NatsUser, NatsPermissions>> {
  const { streams, kv } = t.nats;
  const grants = Object.fromEntries(
    NATS_USERS.map((user) => [user, { publish: new Set<string>(), subscribe: new Set<string>() }]),
  ) as Record<NatsUser, { publish: Set<string>; subscribe: Set<string> }>;
  const isNatsUser = (app: AppName): app is NatsApp =>
    (NATS_APPS as readonly AppName[]).includes(app);
  const publish = (user: NatsUser, ...list: string[][]) =>
    list.flat().forEach((subject) => grants[user].publish.add(subject));
  const subscribe = (user: NatsUser, ...list: string[]) =>
    list.forEach((subject) => grants[user].subscribe.add(subject));
  /** Users that answer requests: route servers and the controlled services. */
  const responders = new Set<NatsUser>();
  const ensure = (user: NatsUser, ...list: StreamDefinition[]) =>
    publish(user, ...list.map((stream) => streamEnsure(stream.name)));

  // Request-reply: callers publish the request; the server's instances share a queue group.
  for (const route of Object.values(c.routes)) {
    subscribe(route.server, `${route.subject} ${route.queue}`);
    responders.add(route.server);
    for (const client of route.clients) if (isNatsUser(client)) publish(client, [route.subject]);
  }
  // Events on NATS: the producers publish on the channel (a JetStream publish is a core
  // publish the stream captures; its PubAck comes back to the producer's inbox).
  for (const event of Object.values(c.events)) {
    const producers = Object.entries(event.producers) as [AppName, readonly string[]][];
    for (const [producer, channelNames] of producers) {
      if (!isNatsUser(producer)) continue;
      for (const channelName of channelNames) {
        const channel = c.channels[channelName as keyof typeof c.channels];
        if (channel.transport !== 'kafka') publish(producer, [addressPattern(channel.address)]);
      }
    }
  }
  // Subscriptions: a durable per JetStream consumer (its redrive twin too), its dead
  // letters; a plain subscription for core NATS. Kafka ones are not NATS's business.
  for (const sub of Object.values(c.subscriptions)) {
    const consumer = sub.consumer;
    if (consumer.kind === 'kafka' || !isNatsUser(sub.app)) continue;
    if (consumer.kind === 'nats-core') {
      subscribe(sub.app, consumer.subject);
      continue;
    }
    publish(
      sub.app,
      streamInfo(consumer.stream),
      durableConsumer(consumer.stream, consumer.durable),
    );
    publish(sub.app, [consumer.deadLetterSubject]);
    if (consumer.redrive)
      publish(sub.app, durableConsumer(consumer.redrive.stream, consumer.redrive.durable));
  }
  // Broadcast routes (the consumer control plane): every instance of each server hears its
  // own subject (no queue group: each one answers for itself); the clients ask.
  for (const route of Object.values(c.broadcasts)) {
    for (const server of route.servers) {
      subscribe(server, route.subject(server));
      responders.add(server);
      for (const client of route.clients)
        if (isNatsUser(client)) publish(client, [route.subject(server)]);
    }
  }

  // ### What each service creates and reconciles at start, and reads besides its consumers.
  // orders: the event store (append, then read an order's events back), the saga's streams.
  ensure('orders', streams.orders, streams.paymentEvents, streams.payments, streams.deadLetters);
  ensure('orders', streams.redrives);
  publish('orders', streamMessageGet(streams.orders.name), kvBucket(kv.idempotency.name));
  publish('inventory', kvBucket(kv.inventory.name));
  ensure('payments', streams.payments, streams.paymentEvents, streams.deadLetters);
  publish('payments', kvBucket(kv.payments.name));
  ensure('bridge', streams.orders, streams.deadLetters, streams.redrives);
  publish('bridge', kvBucket(kv.bridgeLeases.name));
  // gateway: the dashboard's panels read the dead letters' and every consumer's state.
  publish('gateway', streamInfo(streams.deadLetters.name));
  for (const sub of Object.values(c.subscriptions)) {
    if (sub.consumer.kind === 'jetstream')
      publish('gateway', consumerInfo(sub.consumer.stream, sub.consumer.durable));
  }
  // gateway: an order's journey reads, never writes, the order's stored messages
  // (its events, its payment outcome, its stock reservation's last write; ADR 0046).
  publish(
    'gateway',
    streamMessageGet(streams.orders.name),
    streamMessageGet(streams.paymentEvents.name),
    streamMessageGet(`KV_${kv.inventory.name}`),
  );
  // redrive: reads and deletes dead letters, puts them back where their consumer reads.
  ensure('redrive', streams.deadLetters, streams.redrives);
  publish(
    'redrive',
    orderedConsumers(streams.deadLetters.name),
    [`$JS.API.STREAM.MSG.DELETE.${streams.deadLetters.name}`],
    t.deadLetterSources.map((source) => source.redriveSubject ?? source.deadLetterSubject),
  );
  for (const source of t.deadLetterSources)
    if (!source.redriveSubject) publish('redrive', [originalOf(t, source.deadLetterSubject)]);
  // The lesson tools run against the demo as an operator would; bench makes streams of
  // its own. They are never deployed beside the services (docs/security.md).
  for (const tool of ['scenario', 'bench', 'admin'] as const) {
    publish(tool, [EVERYTHING]);
    subscribe(tool, EVERYTHING);
  }

  return Object.fromEntries(
    NATS_USERS.map((user) => {
      const inboxPrefix = inboxPrefixOf(user);
      const uses = grants[user].publish.size > 0 || grants[user].subscribe.size > 0;
      // A JetStream user asks for the account's info first; everyone needs its inbox.
      if (uses) publish(user, [JS_ACCOUNT_INFO]);
      subscribe(user, `${inboxPrefix}.>`);
      const permissions: NatsPermissions = {
        publish: [...grants[user].publish].sort(),
        subscribe: [...grants[user].subscribe].sort(),
        allowResponses: responders.has(user),
        inboxPrefix,
      };
      return [user, permissions];
    }),
  ) as Record<NatsUser, NatsPermissions>;
}

/**
 * `_INBOX_<user>`: replies and JetStream deliveries to one user land under its own
 * prefix, so no user can subscribe to another's replies (`_INBOX.>` would read them all).
 */
export function inboxPrefixOf(user: NatsUser): string {
  return `_INBOX_${user}`;
}

/** `deadletter.payments.requested` → `payments.requested`: a work queue's own subject. */
function originalOf(t: Topology, deadLetterSubject: string): string {
  const source = deadLetterSubject.slice(t.nats.subjects.deadLetters('').length);
  return t.namespace ? `${t.namespace}.${source}` : source;
}
