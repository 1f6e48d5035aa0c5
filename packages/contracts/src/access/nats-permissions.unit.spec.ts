import { catalog } from '../catalog/catalog';
import { topology } from '../topology';
import { APPS } from '../catalog/define';
import { NATS_APPS, NATS_USERS, natsPermissions } from './nats-permissions';

describe('natsPermissions', () => {
  const names = topology('t1');
  const permissions = natsPermissions(names, catalog(names));

  it('given the catalog, when derived, then every app that speaks NATS in it has a user, listed first', () => {
    const c = catalog(names);
    const onNats = new Set<string>();
    for (const route of Object.values(c.routes))
      [route.server, ...route.clients].forEach((app) => onNats.add(app));
    for (const event of Object.values(c.events))
      for (const [producer, channels] of Object.entries(event.producers) as [string, string[]][])
        if (
          channels.some((name) => c.channels[name as keyof typeof c.channels].transport !== 'kafka')
        )
          onNats.add(producer);
    for (const sub of Object.values(c.subscriptions))
      if (sub.consumer.kind !== 'kafka') onNats.add(sub.app);
    const speakers = APPS.filter((app) => onNats.has(app));
    expect(speakers.filter((app) => !(NATS_APPS as readonly string[]).includes(app))).toEqual([]);
    expect(NATS_USERS.slice(0, NATS_APPS.length)).toEqual(NATS_APPS);
  });

  it('given the catalog, when derived, then no app holds a wildcard over subjects or the JetStream API', () => {
    for (const app of NATS_APPS) {
      const { publish, subscribe } = permissions[app];
      expect({
        app,
        publish: publish.filter((s) => s === '>' || s.startsWith('$JS.API.>')),
      }).toEqual({ app, publish: [] });
      expect({
        app,
        subscribe: subscribe.filter((s) => s === '>' || s.startsWith('_INBOX.')),
      }).toEqual({ app, subscribe: [] });
    }
  });

  it('given the catalog, when derived, then no app may delete or purge a stream or its messages', () => {
    for (const app of NATS_APPS) {
      const destructive = permissions[app].publish.filter((s) => /\.(DELETE|PURGE)\./.test(s));
      // Consumers of a KV bucket's ordered readers are the only deletes an app needs.
      expect({
        app,
        destructive: destructive.filter((s) => !s.includes('.CONSUMER.DELETE.KV_')),
      }).toEqual({ app, destructive: [] });
    }
  });

  it('given a route, when derived, then its server subscribes in its queue group and its clients publish', () => {
    const route = catalog(names).routes.placeOrder;
    expect(permissions.orders.subscribe).toContain(`${route.subject} ${route.queue}`);
    expect(permissions.orders.allowResponses).toBe(true);
    expect(permissions.gateway.publish).toContain(route.subject);
    expect(permissions.gateway.subscribe).not.toContain(`${route.subject} ${route.queue}`);
    expect(permissions.gateway.allowResponses).toBe(false);
  });

  it('given the event producers, when derived, then only payments publishes payment outcomes', () => {
    const outcome = names.nats.subjects.paymentEvents('*');
    const publishers = NATS_USERS.filter((user) => permissions[user].publish.includes(outcome));
    expect(publishers).toEqual(['payments']);
    const orderEvents = names.nats.subjects.orderEvents('*');
    expect(NATS_USERS.filter((user) => permissions[user].publish.includes(orderEvents))).toEqual([
      'orders',
    ]);
  });

  it('given every user, when derived, then each reads replies under its own inbox prefix only', () => {
    for (const user of NATS_USERS) {
      const { inboxPrefix, subscribe } = permissions[user];
      expect(inboxPrefix).toBe(`_INBOX_${user}`);
      expect(subscribe.filter((s) => s.startsWith('_INBOX'))).toEqual([`_INBOX_${user}.>`]);
    }
  });
});
