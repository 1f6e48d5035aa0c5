import { randomUUID } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  MessageHeaders,
  OrderEventSchema,
  topology,
  type GetStockReply,
  type OrderEvent,
  type PlaceOrderReply,
} from '@switchyard/contracts';
import { connectNats, fromNatsHeaders, subjectMessages } from '@switchyard/messaging';
import {
  cleanupNamespace,
  nestRequest,
  runScript,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
  PREDICTABLE_PAYMENTS,
} from '@switchyard/testkit';

/**
 * One redrive command for every dead letter, here the saga's own: an `OrderPlaced` step
 * that failed until `SAGA_MAX_DELIVER` (inventory down) goes back to the saga and the
 * order completes, without a second `OrderPlaced` in the order's history.
 */
/** Up to four service starts and two 5 s inventory timeouts per test: slow on a busy CI box. */
const SLOW_TEST_MS = 180_000;

describe('npm run redrive', () => {
  const namespace = uniqueNamespace('redrive');
  const names = topology(namespace);
  const env = {
    SWITCHYARD_NAMESPACE: namespace,
    SAGA_MAX_DELIVER: '2',
    // The dead letters here come from an outage on purpose (inventory down): no hold, so
    // each delivery fails at once instead of after 30 s (ADR 0048).
    CONSUMER_OUTAGE_HOLD_MS: '0',
    ...PREDICTABLE_PAYMENTS,
  };
  const services: ServiceProcess[] = [];
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  /** The redrive CLI, as an operator runs it; its output, once it exited 0. */
  const redrive = async (...args: string[]) => {
    const run = await runScript('tools/redrive/dist/main.js', args, {
      SWITCHYARD_NAMESPACE: namespace,
    });
    expect(run).toMatchObject({ code: 0 });
    return run.output;
  };
  const messagesOn = async (stream: string, subject: string) => {
    const found = [];
    for await (const message of subjectMessages(jsm, stream, subject)) found.push(message);
    return found;
  };
  const history = async (orderId: string): Promise<OrderEvent[]> =>
    (
      await messagesOn(names.nats.streams.orders.name, names.nats.subjects.orderEvents(orderId))
    ).map((message) => OrderEventSchema.parse(message.json()));

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'redrive-int-test' });
    jsm = await jetstreamManager(nc);
  });

  // Each test starts the services it needs.
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
  });

  afterAll(async () => {
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  it(
    'brings a saga dead letter back to the saga, which finishes the order',
    async () => {
      // ### Inventory is down: the saga's OrderPlaced step fails twice and is dead-lettered.
      services.push(await startService({ app: 'orders', env }));
      const placed = await nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
        commandId: randomUUID(),
        customerId: 'c-redrive',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      });
      const orderId = placed.response!.orderId;
      const sagaDeadLetters = names.nats.consumers.ordersSaga.deadLetterSubject;
      const [letter] = await waitFor(
        'the saga dead letter',
        async () => {
          const letters = await messagesOn(names.nats.streams.deadLetters.name, sagaDeadLetters);
          return letters.length > 0 ? letters : undefined;
        },
        { timeoutMs: 45_000 },
      );
      expect(fromNatsHeaders(letter!.header)[MessageHeaders.deadLetterReason]).toMatch(
        /^gave up after 2 deliveries/,
      );

      // ### The operator looks, then tries it dry.
      const listing = await redrive();
      expect(listing).toMatch(/^orders\.saga\s+1$/m);
      expect(listing).toMatch(/^payments\.requested\s+0$/m);
      const dry = await redrive('--source', 'orders.saga', '--dry-run');
      expect(dry).toContain(
        `would redrive #${letter!.seq} → ${names.nats.subjects.redrive('orders.saga')}`,
      );
      expect(await messagesOn(names.nats.streams.deadLetters.name, sagaDeadLetters)).toHaveLength(
        1,
      );

      // ### Inventory (and payments) are back: redrive for real.
      services.push(await startService({ app: 'inventory', env }));
      services.push(await startService({ app: 'payments', env }));
      const output = await redrive('--source', 'orders.saga');
      expect(output).toContain(`redriven #${letter!.seq}`);
      expect(output).toContain('"count":1');

      const events = await waitFor('the order to be confirmed', async () => {
        const all = await history(orderId);
        return all.at(-1)?.type === 'OrderConfirmed' ? all : undefined;
      });
      // The redrive went to the saga only: the order's history holds ONE OrderPlaced.
      expect(events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderConfirmed']);
      expect(await messagesOn(names.nats.streams.deadLetters.name, sagaDeadLetters)).toHaveLength(
        0,
      );
      await waitFor(
        'REDRIVES to drain (work queue: acked means deleted)',
        async () => (await jsm.streams.info(names.nats.streams.redrives.name)).state.messages === 0,
      );
    },
    SLOW_TEST_MS,
  );

  it(
    'brings a payment outcome the saga could not act on back to the saga: the decline is compensated and the order cancelled',
    async () => {
      const sku = 'SKU-2';
      const stock = async () => {
        const reply = await nestRequest<GetStockReply>(nc, names.nats.subjects.getStock, { sku });
        if (!reply.response?.found) throw new Error(`no stock for ${sku}`);
        return reply.response.available;
      };
      const inventory = await startService({ app: 'inventory', env, label: 'inventory-first' });
      services.push(inventory, await startService({ app: 'orders', env }));
      const before = await stock();
      const placed = await nestRequest<PlaceOrderReply>(nc, names.nats.subjects.placeOrder, {
        commandId: randomUUID(),
        customerId: 'test-card-declined', // payments always declines this card
        region: 'eu-west',
        items: [{ sku, quantity: 1 }],
      });
      const orderId = placed.response!.orderId;
      await waitFor('the reservation', async () => (await stock()) === before - 1);

      // ### Inventory goes down; then payments declines. The compensation (ReleaseStock)
      // fails on every delivery and the outcome is dead-lettered.
      services.splice(services.indexOf(inventory), 1);
      await inventory.stop();
      services.push(await startService({ app: 'payments', env }));
      const outcomeLetters = names.nats.consumers.ordersPaymentOutcomes.deadLetterSubject;
      await waitFor(
        'the payment-outcome dead letter',
        async () =>
          (await messagesOn(names.nats.streams.deadLetters.name, outcomeLetters)).length === 1,
        { timeoutMs: 45_000 },
      );
      expect((await history(orderId)).map((event) => event.type)).toEqual(['OrderPlaced']);

      // ### Inventory is back: redrive that source.
      services.push(await startService({ app: 'inventory', env, label: 'inventory-back' }));
      expect(await redrive('--source', 'orders.payment-outcomes')).toContain('"count":1');

      const events = await waitFor('the order to be cancelled', async () => {
        const all = await history(orderId);
        return all.at(-1)?.type === 'OrderCancelled' ? all : undefined;
      });
      expect(events.map((event) => event.type)).toEqual(['OrderPlaced', 'OrderCancelled']);
      expect(await stock()).toBe(before);
      // The outcome log still holds the one outcome payments published: nothing was re-published there.
      expect(
        await messagesOn(
          names.nats.streams.paymentEvents.name,
          names.nats.subjects.paymentEvents(orderId),
        ),
      ).toHaveLength(1);
    },
    SLOW_TEST_MS,
  );
});
