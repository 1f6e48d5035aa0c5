import { topology } from '../topology';
import { APPS } from './define';
import { addressOf, catalog, decodeOrderEvent, publishedChannel } from './catalog';

/** A NATS subject pattern (`*`, trailing `>`) as a regular expression. */
const natsPattern = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('.')
      .map((token) =>
        token === '*' ? '[^.]+' : token === '>' ? '.+' : token.replace(/[-]/g, '\\-'),
      )
      .join('\\.')}$`,
  );

/** `orders.events.{orderId}` with its parameters filled in. */
const concrete = (address: string) => address.replace(/\{[^}]+\}/g, 'x1');

describe('catalog', () => {
  const names = topology('t1');
  const messages = catalog(names);
  const { routes, broadcasts, channels, events, subscriptions } = messages;

  it('gives every event a producer and at least one consumer', () => {
    const consumed = new Set(Object.values(subscriptions).flatMap((s) => Object.keys(s.handles)));
    for (const [name, event] of Object.entries(events)) {
      const producers = Object.keys(event.producers).length > 0;
      expect({ name, producers }).toEqual({ name, producers: true });
      expect({ name, consumed: consumed.has(name) }).toEqual({ name, consumed: true });
    }
  });

  it('lets a subscription handle only events that travel on its channel', () => {
    for (const [name, sub] of Object.entries(subscriptions)) {
      for (const handled of Object.keys(sub.handles))
        expect({ name, handled, onChannel: sub.channel.messages.includes(handled) }).toEqual({
          name,
          handled,
          onChannel: true,
        });
      expect(channels[sub.channelName as keyof typeof channels]).toBe(sub.channel);
    }
  });

  it('names only known events and channels, both ways', () => {
    for (const [name, event] of Object.entries(events)) {
      expect(event.type).toBe(name);
      for (const channelName of event.channels)
        expect(channels[channelName].messages).toContain(name);
    }
    for (const c of Object.values(channels))
      for (const message of c.messages) expect(Object.keys(events)).toContain(message);
  });

  it('lets an event be published only on its own channels, by known apps', () => {
    for (const [name, event] of Object.entries(events))
      for (const [app, on] of Object.entries(
        event.producers as Record<string, readonly string[]>,
      )) {
        expect(APPS).toContain(app);
        for (const channelName of on)
          expect({
            name,
            app,
            channelName,
            own: (event.channels as readonly string[]).includes(channelName),
          }).toEqual({ name, app, channelName, own: true });
      }
  });

  it('gives a producer its channel only where the catalog lists it as one', () => {
    expect(publishedChannel(messages, 'seed', 'orderHistory')).toBe(channels.orderHistory);
    expect(publishedChannel(messages, 'bridge', 'orderHistory')).toBe(channels.orderHistory);
    expect(publishedChannel(messages, 'rebuilder', 'rebuildProgress')).toBe(
      channels.rebuildProgress,
    );
    // @ts-expect-error orders writes the order events to JetStream; the bridge puts them on Kafka
    expect(() => publishedChannel(messages, 'orders', 'orderHistory')).toThrow(
      /no event that orders publishes on orderHistory/,
    );
    // @ts-expect-error seed writes only Kafka
    expect(() => publishedChannel(messages, 'seed', 'orderEvents')).toThrow(/seed/);
  });

  it('fills a channel address with its parameters, and refuses one left out', () => {
    expect(addressOf(channels.rebuildProgress, { projection: 'orders' })).toBe(
      names.nats.subjects.rebuildProgress('orders'),
    );
    expect(() => addressOf(channels.rebuildProgress, {})).toThrow(/no value for \{projection\}/);
  });

  it('decodes the read models with the order channels’ own decoder', () => {
    expect(channels.orderHistory.decode).toBe(decodeOrderEvent);
    expect(channels.orderEvents.decode).toBe(decodeOrderEvent);
  });

  it('answers broadcast routes on one subject per server app, in the namespace, with no queue group', () => {
    for (const b of Object.values(broadcasts)) {
      expect(b.kind).toBe('broadcast');
      expect(b).not.toHaveProperty('queue');
      for (const server of b.servers) {
        expect(b.subject(server)).toBe(concrete(b.address).replace('x1', server));
        expect(b.subject(server)).toMatch(/^t1\./);
      }
    }
    expect(broadcasts.consumerControl.subject('payments')).toBe(
      names.nats.subjects.consumerControl('payments'),
    );
  });

  it('covers every subject with the naming rules: requests are <context>.cmd|query.<verb>', () => {
    for (const r of Object.values(routes)) {
      expect(r.subject).toMatch(/^t1\.[a-z]+\.(cmd|query)\.[a-z]+$/);
      expect(Object.values(names.nats.queues)).toContain(r.queue);
      expect(APPS).toContain(r.server);
    }
  });

  it('covers every subject with the naming rules: JetStream channels lie in their stream, core ones outside all', () => {
    const streams = Object.values(names.nats.streams);
    const streamOf = (subject: string) =>
      streams.filter((s) => s.subjects.some((pattern) => natsPattern(pattern).test(subject)));
    for (const [name, c] of Object.entries(channels)) {
      const subject = concrete(c.address);
      if (c.transport === 'kafka') {
        expect(Object.values(names.kafka.topics).map((topic) => topic.name)).toContain(c.address);
        continue;
      }
      expect({ name, namespaced: subject.startsWith('t1.') }).toEqual({ name, namespaced: true });
      const holders = streamOf(subject).map((s) => s.name);
      expect({ name, holders }).toEqual({
        name,
        holders: c.transport === 'jetstream' ? [c.storedIn] : [],
      });
    }
    // Core subscriptions listen on wildcards that match their channel, and only that.
    for (const sub of Object.values(subscriptions)) {
      if (sub.consumer.kind !== 'nats-core') continue;
      expect(natsPattern(sub.consumer.subject).test(concrete(sub.channel.address))).toBe(true);
    }
  });

  it('decodes each event in its current version on its channels, and refuses garbage', () => {
    for (const c of Object.values(channels)) {
      expect(c.decode({ nonsense: true }).ok).toBe(false);
      expect(c.decode('not an object').ok).toBe(false);
    }
  });

  it('serves every route from one app and leaves request and reply schemas to the catalog', () => {
    const subjects = Object.values(routes).map((r) => r.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
    expect(routes.placeOrder).toMatchObject({ server: 'orders', clients: ['gateway'] });
  });
});
