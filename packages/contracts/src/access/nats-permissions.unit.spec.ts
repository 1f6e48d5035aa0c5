import { catalog } from '../catalog/catalog';
import { topology } from '../topology';
import { NATS_USERS, natsPermissions, type NatsUser } from './nats-permissions';

const APPS: readonly NatsUser[] = [
  'gateway',
  'orders',
  'inventory',
  'payments',
  'bridge',
  'projector',
  'rebuilder',
];

describe('natsPermissions', () => {
  const names = topology('t1');
  const permissions = natsPermissions(names, catalog(names));

  it('given the catalog, when derived, then no app holds a wildcard over subjects or the JetStream API', () => {
    for (const app of APPS) {
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
    for (const app of APPS) {
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
