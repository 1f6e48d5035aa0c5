import { catalog, topology } from '@switchyard/contracts';
import { asyncApiDocument } from './asyncapi';
import { markdownTable } from './topology-table';
import { validateAsyncApi } from './validate';

describe('the AsyncAPI document generated from the catalog', () => {
  const names = topology();
  const messages = catalog(names);
  const document = asyncApiDocument(messages, names) as {
    operations: Record<string, { action: string; bindings?: Record<string, unknown> }>;
    channels: Record<string, { address: string | null }>;
  };

  it('validates with @asyncapi/parser without errors', async () => {
    const { errors } = await validateAsyncApi(JSON.stringify(document));
    expect(errors).toEqual([]);
  });

  it('has a receive operation per subscription and per route, routes with their queue group', () => {
    for (const name of Object.keys(messages.subscriptions))
      expect(document.operations[name]?.action).toBe('receive');
    for (const route of Object.values(messages.routes)) {
      const operation = document.operations[`serve${route.name}`];
      expect(operation?.bindings).toEqual({
        nats: { queue: route.queue, bindingVersion: '0.1.0' },
      });
    }
    expect(document.channels.orderEvents?.address).toBe('orders.events.{orderId}');
  });

  it('documents broadcast routes: answered by every instance, so no queue group', () => {
    for (const [name, route] of Object.entries(messages.broadcasts)) {
      const operation = document.operations[`serve${route.name}`];
      expect(operation?.action).toBe('receive');
      expect(operation?.bindings).toBeUndefined();
      expect(operation).toMatchObject({
        'x-switchyard-broadcast': { servers: [...route.servers], gathered: 'requestMany' },
      });
      expect(document.channels[`${name}Request`]?.address).toBe(route.address);
      expect(document.channels[`${name}Reply`]?.address).toBeNull();
    }
    expect(document.channels.consumerControlRequest?.address).toBe('control.{service}.consumers');
  });

  it('sends each event only where the catalog lists its producers', () => {
    expect(document.operations.seedSendsOrderConfirmedOnOrderHistory?.action).toBe('send');
    expect(document.operations.ordersSendsOrderPlacedOnOrderEvents?.action).toBe('send');
    expect(document.operations.ordersSendsOrderPlacedOnOrderHistory).toBeUndefined();
    expect(document.operations.bridgeOrdersForwardsToOrderHistory?.action).toBe('send');
  });

  it('refuses what breaks the spec: the validator is not a rubber stamp', async () => {
    const broken = { ...document, channels: { x: { address: 42 } } };
    expect((await validateAsyncApi(JSON.stringify(broken))).errors.length).toBeGreaterThan(0);
  });
});

describe('markdownTable', () => {
  it('pads every cell to its column, as Prettier lays a table out', () => {
    expect(markdownTable(['Kind', 'Name'], [['a', '`longer`']])).toBe(
      ['| Kind | Name     |', '| ---- | -------- |', '| a    | `longer` |'].join('\n'),
    );
  });
});
