/**
 * ### The JetStream API subjects a nats.js v3 client sends, by what it does.
 *
 * JetStream has no permission model of its own: every management call is a core NATS
 * request on a `$JS.API.…` subject, and every delivery acknowledgement a publish on a
 * `$JS.ACK.…` subject. So "may read consumer X" is "may publish to these subjects", and
 * a user's publish allow list is its JetStream rights. The subjects below are the ones
 * `@nats-io/jetstream` and `@nats-io/kv` 3.4 send to a 2.9 server (read from their
 * sources; each proven by the security suite, `packages/testkit/src/auth-nats.ts`' users
 * doing their whole job with nothing else).
 */

/** The account's JetStream info: `jetstreamManager()` asks for it first (`checkAPI`). */
export const JS_ACCOUNT_INFO = '$JS.API.INFO';

/** Read a stream's configuration and state (`jsm.streams.info`, and before every ensure). */
export const streamInfo = (stream: string) => [`$JS.API.STREAM.INFO.${stream}`];

/**
 * Create a stream, or bring its limits back to the declared ones (`ensureStream`, ADR
 * 0022). Never DELETE or PURGE: no app is granted those, a compromised service cannot
 * wipe the write side.
 */
export const streamEnsure = (stream: string) => [
  ...streamInfo(stream),
  `$JS.API.STREAM.CREATE.${stream}`,
  `$JS.API.STREAM.UPDATE.${stream}`,
];

/**
 * Read one stored message: `jsm.streams.getMessage` (`STREAM.MSG.GET`), and the direct
 * get KV uses (`DIRECT.GET.<stream>` and `DIRECT.GET.<stream>.<subject>` for the last
 * message of a key).
 */
export const streamMessageGet = (stream: string) => [
  `$JS.API.STREAM.MSG.GET.${stream}`,
  `$JS.API.DIRECT.GET.${stream}`,
  `$JS.API.DIRECT.GET.${stream}.>`,
];

/**
 * A durable pull consumer, created or updated by its service and then pulled:
 * - `CONSUMER.CREATE.<stream>.<durable>[.<filter>]`: the create API of 2.9+ (nats.js puts
 *   the filter subject in the subject when there is one);
 * - `CONSUMER.DURABLE.CREATE`: the older API, used for a config nats.js cannot name;
 * - `CONSUMER.INFO`, `CONSUMER.MSG.NEXT` (each pull) and `$JS.ACK.<stream>.<durable>.>`
 *   (ack, nak, term, working: the reply subject of every delivered message).
 */
export const durableConsumer = (stream: string, durable: string) => [
  `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
  `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
  `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`,
  `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
  `$JS.ACK.${stream}.${durable}.>`,
];

/** Watch a consumer's state only (the gateway's dashboard panels). */
export const consumerInfo = (stream: string, durable: string) => [
  `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
];

/**
 * Ordered (ephemeral) consumers on a stream: their names are random, so the grant is per
 * stream (`keys()`, `history()` and watchers on a KV bucket, the redrive's reader).
 */
export const orderedConsumers = (stream: string) => [
  `$JS.API.CONSUMER.CREATE.${stream}`,
  `$JS.API.CONSUMER.CREATE.${stream}.>`,
  `$JS.API.CONSUMER.INFO.${stream}.>`,
  `$JS.API.CONSUMER.DELETE.${stream}.>`,
  `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
  `$JS.ACK.${stream}.>`,
];

/**
 * A KV bucket: the stream `KV_<bucket>` underneath (ensure, direct get, ordered consumers
 * for `keys()`), and puts, updates and deletes, which are publishes on `$KV.<bucket>.<key>`.
 */
export const kvBucket = (bucket: string) => [
  ...streamEnsure(`KV_${bucket}`),
  ...streamMessageGet(`KV_${bucket}`),
  ...orderedConsumers(`KV_${bucket}`),
  `$KV.${bucket}.>`,
];
