import type { z } from 'zod';
import { describeIssues } from '../problems';

/**
 * The processes that send or receive messages. Apps never import each other; the
 * catalog is where they meet. `seed` is a tool that writes history straight to Kafka.
 */
export const APPS = [
  'gateway',
  'orders',
  'inventory',
  'payments',
  'bridge',
  'projector',
  'rebuilder',
  'seed',
] as const;
export type AppName = (typeof APPS)[number];

/** A message read off the wire: the typed message, or why it cannot be read. */
export type Decoded<TMessage> = { ok: true; message: TMessage } | { ok: false; reason: string };

/** A decoder from one zod schema (`safeParse`), with the failing paths in the reason. */
export function decodeWith<TSchema extends z.ZodType>(
  schema: TSchema,
  what: string,
): (raw: unknown) => Decoded<z.infer<TSchema>> {
  return (raw) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { ok: true, message: parsed.data };
    return { ok: false, reason: `not a valid ${what}: ${describeIssues(parsed.error).join('; ')}` };
  };
}

/**
 * ### A request-reply route: core NATS, a queue group, one reply per request.
 *
 * The reply schema is what the caller validates (`RequestReplyClient`): a caller never
 * trusts a reply's shape any more than a handler trusts a request's.
 */
export interface RouteDefinition<
  TRequest extends z.ZodType = z.ZodType,
  TReply extends z.ZodType = z.ZodType,
  TServer extends AppName = AppName,
> {
  /** The wire name in docs (`PlaceOrder`); never used for routing. */
  name: string;
  subject: string;
  /** Every instance of the server joins it: each request goes to one of them. */
  queue: string;
  request: TRequest;
  reply: TReply;
  server: TServer;
  clients: readonly AppName[];
  /** How long a caller waits by default; a caller's config may shorten or lengthen it. */
  timeoutMs: number;
  summary: string;
}

/**
 * ### A broadcast route: core NATS request-reply WITHOUT a queue group.
 *
 * The other kind of route. Every instance of the server app hears the request and each
 * answers for itself: the requester gathers several replies (`requestMany`) and cannot
 * know beforehand how many will come (see `RequestReplyClient.gather`). For what each
 * instance owns, such as its own consumers (pause / resume: ADR 0016).
 */
export interface BroadcastRouteDefinition<
  TRequest extends z.ZodType = z.ZodType,
  TReply extends z.ZodType = z.ZodType,
  TServer extends AppName = AppName,
> {
  kind: 'broadcast';
  /** The wire name in docs (`ConsumerControl`); never used for routing. */
  name: string;
  /** The subject with `{service}` for the server app's token (docs, AsyncAPI). */
  address: string;
  /**
   * The subject that the instances of server app `app` answer on. (A method, so that a
   * route of some servers is still a `BroadcastRouteDefinition` of any; `NoInfer`: the
   * servers are `servers`, not whatever the topology's subject function accepts.)
   */
  subject(app: NoInfer<TServer>): string;
  request: TRequest;
  /** One instance's reply. */
  reply: TReply;
  servers: readonly TServer[];
  clients: readonly AppName[];
  /** How long a requester gathers replies at most, unless its config says otherwise. */
  timeoutMs: number;
  summary: string;
}

/** How a transport keeps a channel's messages. */
export type Transport = 'nats-core' | 'jetstream' | 'kafka';

/**
 * ### A channel: where messages of one family travel.
 *
 * `address` is the subject or topic with `{parameters}` in place of its variable tokens
 * (`orders.events.{orderId}`); `decode` turns one raw JSON payload into the typed message
 * (with upcasting, for families that have old versions).
 */
export interface ChannelDefinition<TMessage = unknown> {
  address: string;
  transport: Transport;
  /** The JetStream stream or Kafka topic that stores it (none for core NATS). */
  storedIn?: string;
  /** `{name}` tokens of `address`, described. */
  parameters: Readonly<Record<string, string>>;
  /** Kafka: the record key; JetStream: what the per-message subject token is. */
  key?: string;
  /** Kafka: partitions of the topic. */
  partitions?: number;
  /** Names of the events that travel on it (keys of the catalog's `events`). */
  messages: readonly string[];
  decode: (raw: unknown) => Decoded<TMessage>;
  summary: string;
}

/** One event type, every version of it, who writes it and where it travels. */
export interface EventDefinition {
  /** The wire name (`type` in the envelope). */
  type: string;
  /** Envelope schema per `schemaVersion`; old versions stay for ever (Kafka replays them). */
  versions: Readonly<Record<number, z.ZodType>>;
  /** The version producers write today. */
  current: number;
  /** Who writes it, and on which channels (keys of the catalog's `channels`). */
  producers: Readonly<Partial<Record<AppName, readonly string[]>>>;
  /** Keys of the catalog's `channels`. */
  channels: readonly string[];
  summary: string;
}

/** A durable JetStream pull consumer, with its dead letters and redrive twin. */
export interface JetStreamConsumerRef {
  kind: 'jetstream';
  stream: string;
  durable: string;
  filterSubject?: string;
  deadLetterSubject: string;
  /** Where `npm run redrive` brings its dead letters back (a durable on `REDRIVES`). */
  redrive?: { stream: string; durable: string; filterSubject: string };
}

export type ConsumerRef =
  | JetStreamConsumerRef
  | { kind: 'kafka'; group: string; topic: string }
  | { kind: 'nats-core'; subject: string };

export type Delivery = 'at-most-once' | 'at-least-once' | 'effectively-once';

/**
 * ### A subscription: one consumer, the channel it reads, the events it acts on.
 *
 * `handles` is keyed by event type (`OrderPlaced: 'reserve stock, …'`): grep an event's
 * name followed by a colon and every consumer of it is listed. The app's handler map is
 * typed from the same keys (`EventHandlers`), so a handler the catalog does not route to
 * that consumer, or a routed event with no handler, does not compile. Events on the
 * channel that are not in `handles` are acknowledged and skipped.
 */
export interface SubscriptionDefinition<
  TMessage = unknown,
  THandles extends Readonly<Record<string, string>> = Readonly<Record<string, string>>,
> {
  app: AppName;
  channel: ChannelDefinition<TMessage>;
  /** The channel's key in the catalog. */
  channelName: string;
  consumer: ConsumerRef;
  delivery: Delivery;
  handles: THandles;
  summary: string;
}

/** Builds a route, keeping its literal server app in the type. */
export const route = <
  TRequest extends z.ZodType,
  TReply extends z.ZodType,
  const TServer extends AppName,
>(
  definition: RouteDefinition<TRequest, TReply, TServer>,
) => definition;

/** Builds a broadcast route, keeping its literal server apps in the type. */
export const broadcast = <
  TRequest extends z.ZodType,
  TReply extends z.ZodType,
  const TServer extends AppName,
>(
  definition: Omit<BroadcastRouteDefinition<TRequest, TReply, TServer>, 'kind'>,
): BroadcastRouteDefinition<TRequest, TReply, TServer> => ({ kind: 'broadcast', ...definition });

/** Builds a subscription, keeping its literal `handles` keys in the type. */
export const subscription = <TMessage, const THandles extends Readonly<Record<string, string>>>(
  definition: SubscriptionDefinition<TMessage, THandles>,
) => definition;

/** Builds a channel, inferring its message type from `decode`. */
export const channel = <TMessage>(definition: ChannelDefinition<TMessage>) => definition;
