import {
  MessageHeaders,
  type BroadcastRouteDefinition,
  type Catalog,
  type ChannelDefinition,
  type RouteDefinition,
  type Topology,
} from '@switchyard/contracts';
import type { z } from 'zod';
import { jsonSchema } from './json-schema';

type Json = Record<string, unknown>;
const ref = (path: string) => ({ $ref: `#/${path}` });
const NATS_BINDING = '0.1.0';
const KAFKA_BINDING = '0.5.0';

/** The `sy-*` envelope headers and the W3C trace context every event carries. */
const EVENT_HEADERS: Json = {
  type: 'object',
  properties: Object.fromEntries(
    Object.entries(MessageHeaders).map(([field, header]) => [
      header,
      { type: 'string', description: `The envelope's ${field}.` },
    ]),
  ),
};

const capitalised = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const messageKey = (event: string, version: number) => `${event}V${version}`;

/**
 * ### The catalog as an AsyncAPI 3.0 document: one document for the whole system.
 *
 * - servers: NATS (core and JetStream) and Kafka;
 * - channels: every catalog channel (`{parameters}` described), and per request-reply route a
 *   request channel and a reply channel (address `null`: the requester's inbox);
 * - broadcast routes (`catalog.broadcasts`): the same pair of channels, the request's address
 *   with `{service}`; its receive operation has no queue binding: every instance answers;
 * - operations: each route served (receive, with its reply and NATS queue binding), each
 *   event published (send, per producer) and each subscription (receive, only the events it
 *   handles; Kafka group binding; `x-switchyard-delivery`);
 * - messages: every event version and every request and reply, payloads from zod 4's JSON
 *   Schema output; Kafka messages carry their key binding, events the `sy-*` headers.
 */
export function asyncApiDocument(catalog: Catalog, topology: Topology): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};

  for (const [name, event] of Object.entries(catalog.events)) {
    const onKafka = event.channels.some((c) => catalog.channels[c].transport === 'kafka');
    for (const [version, schema] of Object.entries(event.versions) as [string, z.ZodType][]) {
      messages[messageKey(name, Number(version))] = {
        name,
        title: `${name} v${version}`,
        summary:
          event.summary +
          (Number(version) === event.current ? '' : ' (an old version, still replayed)'),
        contentType: 'application/json',
        ...(event.channels.some((c) => catalog.channels[c].key) ? { headers: EVENT_HEADERS } : {}),
        payload: jsonSchema(schema),
        ...(onKafka
          ? {
              bindings: {
                kafka: {
                  key: { type: 'string', format: 'uuid', description: 'The order id.' },
                  bindingVersion: KAFKA_BINDING,
                },
              },
            }
          : {}),
      };
    }
  }

  const eventMessages = (channel: ChannelDefinition, only?: readonly string[]) =>
    Object.fromEntries(
      channel.messages
        .filter((name) => !only || only.includes(name))
        .flatMap((name) => {
          const event = catalog.events[name as keyof Catalog['events']];
          return Object.keys(event.versions).map((version) => {
            const key = messageKey(name, Number(version));
            return [key, ref(`components/messages/${key}`)];
          });
        }),
    );

  for (const [name, channel] of Object.entries(catalog.channels)) {
    const kafka = channel.transport === 'kafka';
    const topic = Object.values(topology.kafka.topics).find((t) => t.name === channel.address);
    channels[name] = {
      address: channel.address,
      title: `${name} (${channel.transport}${channel.storedIn ? `, ${channel.storedIn}` : ''})`,
      description: channel.summary,
      servers: [ref(kafka ? 'servers/kafka' : 'servers/nats')],
      messages: eventMessages(channel),
      ...(Object.keys(channel.parameters).length > 0
        ? {
            parameters: Object.fromEntries(
              Object.entries(channel.parameters).map(([p, description]) => [p, { description }]),
            ),
          }
        : {}),
      ...(kafka && topic
        ? {
            bindings: {
              kafka: {
                topic: topic.name,
                partitions: topic.partitions,
                replicas: topic.replicationFactor,
                topicConfiguration: {
                  'cleanup.policy': [topic.configs['cleanup.policy']],
                  'retention.ms': Number(topic.configs['retention.ms']),
                  'retention.bytes': Number(topic.configs['retention.bytes']),
                },
                bindingVersion: KAFKA_BINDING,
              },
            },
          }
        : {}),
    };
  }

  for (const [name, event] of Object.entries(catalog.events))
    for (const [producer, on] of Object.entries(
      event.producers as Partial<Record<string, readonly string[]>>,
    ))
      for (const channelName of on ?? []) {
        // The bridge's forwarding is its own operation (below): it sends what it reads.
        if (producer === 'bridge') continue;
        const channel = catalog.channels[channelName as keyof Catalog['channels']];
        const id = `${producer}Sends${name}On${capitalised(channelName)}`;
        operations[id] = {
          action: 'send',
          title: `${producer} publishes ${name}`,
          channel: ref(`channels/${channelName}`),
          // seed writes every version (old ones are upcast on replay); services the current.
          messages: Object.keys(event.versions)
            .filter((v) => channel.transport === 'kafka' || Number(v) === event.current)
            .map((v) => ref(`channels/${channelName}/messages/${messageKey(name, Number(v))}`)),
          tags: [{ name: producer }],
        };
      }

  // The bridge forwards what it reads to the channels the catalog lists it as producer on.
  const bridgeChannels = new Set(
    Object.values(catalog.events).flatMap(
      (event) => (event.producers as Partial<Record<string, readonly string[]>>).bridge ?? [],
    ),
  );
  for (const [name, sub] of Object.entries(catalog.subscriptions)) {
    if (sub.app !== 'bridge') continue;
    for (const [channelName, channel] of Object.entries(catalog.channels)) {
      if (!bridgeChannels.has(channelName)) continue;
      operations[`${name}ForwardsTo${capitalised(channelName)}`] = {
        action: 'send',
        title: `bridge forwards ${sub.channelName} to ${channel.address}`,
        description:
          'As written (every version), keyed by order id; JetStream is acked only after Kafka acked (acks=all).',
        channel: ref(`channels/${channelName}`),
        messages: Object.keys(eventMessages(channel)).map((key) =>
          ref(`channels/${channelName}/messages/${key}`),
        ),
        tags: [{ name: 'bridge' }],
      };
    }
  }

  for (const [name, sub] of Object.entries(catalog.subscriptions)) {
    const handled = Object.keys(sub.handles);
    const consumer = sub.consumer;
    operations[name] = {
      action: 'receive',
      title: `${sub.app}: ${name}`,
      summary: sub.summary,
      description: Object.entries(sub.handles as Record<string, string>)
        .map(([event, action]) => `- ${event}: ${action}`)
        .join('\n'),
      channel: ref(`channels/${sub.channelName}`),
      messages: Object.keys(eventMessages(sub.channel, handled)).map((key) =>
        ref(`channels/${sub.channelName}/messages/${key}`),
      ),
      tags: [{ name: sub.app }],
      'x-switchyard-delivery': sub.delivery,
      ...(consumer.kind === 'jetstream'
        ? {
            'x-switchyard-jetstream': {
              stream: consumer.stream,
              durable: consumer.durable,
              deadLetterSubject: consumer.deadLetterSubject,
              ...(consumer.redrive ? { redriveDurable: consumer.redrive.durable } : {}),
            },
          }
        : {}),
      ...(consumer.kind === 'kafka'
        ? {
            bindings: {
              kafka: {
                groupId: { type: 'string', enum: [consumer.group] },
                bindingVersion: KAFKA_BINDING,
              },
            },
          }
        : {}),
    };
  }

  /**
   * A route's request and reply messages, its request channel and its reply channel (address
   * `null`: the requester's inbox, a different subject for every requester); returns what its
   * receive operation points at (channel, messages, reply).
   */
  const requestReply = (
    name: string,
    route: { name: string; request: z.ZodType; reply: z.ZodType; summary: string },
    request: Json & { address: string; title: string },
    reply: { title: string; summary?: string },
  ) => {
    const requestKey = `${route.name}Request`;
    const replyKey = `${route.name}Reply`;
    messages[requestKey] = {
      name: requestKey,
      title: `${route.name} request`,
      contentType: 'application/json',
      payload: jsonSchema(route.request),
    };
    messages[replyKey] = {
      name: replyKey,
      ...reply,
      contentType: 'application/json',
      payload: jsonSchema(route.reply),
    };
    const { address, title, ...extra } = request;
    channels[`${name}Request`] = {
      address,
      title,
      description: route.summary,
      servers: [ref('servers/nats')],
      ...extra,
      messages: { [requestKey]: ref(`components/messages/${requestKey}`) },
    };
    channels[`${name}Reply`] = {
      address: null,
      title: reply.title,
      servers: [ref('servers/nats')],
      messages: { [replyKey]: ref(`components/messages/${replyKey}`) },
    };
    return {
      channel: ref(`channels/${name}Request`),
      messages: [ref(`channels/${name}Request/messages/${requestKey}`)],
      reply: {
        channel: ref(`channels/${name}Reply`),
        messages: [ref(`channels/${name}Reply/messages/${replyKey}`)],
      },
    };
  };

  for (const [name, route] of Object.entries(catalog.routes) as [string, RouteDefinition][]) {
    const target = requestReply(
      name,
      route,
      { address: route.subject, title: `${route.name} (request-reply)` },
      {
        title: `${route.name} reply`,
        summary: 'Or an error: an RFC 9457 problem (status, title, detail, errors[]).',
      },
    );
    operations[`serve${route.name}`] = {
      action: 'receive',
      title: `${route.server} serves ${route.name}`,
      summary: route.summary,
      description: `Callers: ${route.clients.length > 0 ? route.clients.join(', ') : 'operators and tests'}. Timeout: ${route.timeoutMs} ms by default; no responders is a 503, no reply in time a 504 at the gateway.`,
      ...target,
      tags: [{ name: route.server }],
      bindings: { nats: { queue: route.queue, bindingVersion: NATS_BINDING } },
    };
  }

  for (const [name, route] of Object.entries(catalog.broadcasts) as [
    string,
    BroadcastRouteDefinition,
  ][]) {
    const target = requestReply(
      name,
      route,
      {
        address: route.address,
        title: `${route.name} (broadcast request-reply)`,
        parameters: {
          service: { enum: [...route.servers], description: 'The service whose instances answer.' },
        },
      },
      { title: `${route.name} reply (one per instance)` },
    );
    operations[`serve${route.name}`] = {
      action: 'receive',
      title: `every instance of ${route.servers.join(', ')} answers ${route.name}`,
      summary: route.summary,
      description: `A broadcast: no queue group, so every instance hears the request and answers for itself; the requester (${route.clients.join(', ')}) gathers the replies for up to ${route.timeoutMs} ms by default (until they stop coming, or until as many as it counted). No instance is no responders: zero replies.`,
      ...target,
      tags: route.servers.map((server) => ({ name: server })),
      'x-switchyard-broadcast': { servers: [...route.servers], gathered: 'requestMany' },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Switchyard',
      version: '1.0.0',
      description:
        'NATS routes, Kafka remembers. Generated from the message catalog (packages/contracts/src/catalog): do not edit; run `npm run docs:generate`.',
    },
    defaultContentType: 'application/json',
    servers: {
      nats: {
        host: 'localhost:4222',
        protocol: 'nats',
        description:
          'Core NATS (request-reply, notifications) and JetStream (streams, work queues).',
      },
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description: 'The history: kept for ever, replayed from offset zero.',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
