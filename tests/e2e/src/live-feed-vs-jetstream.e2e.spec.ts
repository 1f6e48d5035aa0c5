import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MessageHeaders, OrderEventTypes, OrderNotificationSchema } from '@switchyard/contracts';
import { connectNats } from '@switchyard/messaging';
import { adminHeaders, TestNamespace, waitFor, type ServiceProcess } from '@switchyard/testkit';
import { openEventStream, type EventStreamClient } from './sse-client';

/** The test's own durable consumer on the ORDERS stream: it lives and dies with the namespace. */
const AUDIT_DURABLE = 'LIVE_FEED_AUDIT';

/**
 * ### At-most-once next to at-least-once, with the same orders
 *
 * Two listeners follow the same orders:
 * - the gateway's live feed (`GET /admin/events`: the operator's, with order ids), fed by
 *   a **core NATS** subscription on `notify.orders.>`: delivered to whoever is subscribed
 *   at that instant, kept for nobody;
 * - a **JetStream durable consumer** on the `ORDERS` stream: the server remembers how far
 *   it got, and keeps every message it has not acknowledged.
 *
 * Both go offline, orders are placed, both come back. The live feed never hears of the
 * orders placed while it was away; the durable consumer receives every one of them.
 * Neither is wrong: a live view wants "now", an audit wants "everything".
 */
describe('live feed (core NATS, at-most-once) vs a JetStream durable consumer (at-least-once)', () => {
  const suite = new TestNamespace('lf', {}, { natsAuth: true });
  const { names } = suite;
  let gateway: ServiceProcess;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;

  /** Places `count` orders over HTTP and returns their ids, in order. */
  async function placeOrders(count: number, region = 'eu-west'): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${gateway.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          customerId: 'c-lf',
          region,
          items: [{ sku: 'SKU-1', quantity: 1 }],
        }),
      });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { orderId: string }).orderId);
    }
    return ids;
  }

  /** The order ids the live feed announced as placed (other transitions are not counted). */
  const placedIn = (stream: EventStreamClient): string[] =>
    stream.events
      .filter((event) => event.event === 'order')
      .map((event) => OrderNotificationSchema.parse(JSON.parse(event.data)))
      .filter((notification) => notification.event === 'placed')
      .map((notification) => notification.orderId);

  /** Runs the audit consumer until `stop()`; collects the ids of the `OrderPlaced` it acks. */
  async function runAuditConsumer(received: string[]): Promise<ConsumerMessages> {
    const consumer = await js.consumers.get(names.nats.streams.orders.name, AUDIT_DURABLE);
    return consumer.consume({
      max_messages: 10,
      callback: (message) => {
        // The saga may append later events to an order; this test counts placements.
        if (message.headers?.get(MessageHeaders.eventType) === OrderEventTypes.OrderPlaced) {
          received.push(message.json<{ aggregateId: string }>().aggregateId);
        }
        message.ack();
      },
    });
  }

  const liveFeedClients = async () => {
    const response = await fetch(`${gateway.url}/api/overview`);
    return ((await response.json()) as { liveFeed: { clients: number } }).liveFeed.clients;
  };

  beforeAll(async () => {
    nc = await connectNats({ settings: await suite.natsSettings(), name: 'e2e-live-feed' });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
    // Orders alone: no inventory, so the saga goes no further than OrderPlaced; enough here.
    [, gateway] = await suite.start('orders', 'gateway');
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  it('loses what was published while the SSE client was away; the durable consumer gets all of it after restart', async () => {
    // The durable consumer exists BEFORE anything is published: from then on the server
    // keeps its place in the stream, whether or not anyone is pulling.
    await jsm.consumers.add(names.nats.streams.orders.name, {
      durable_name: AUDIT_DURABLE,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: names.nats.subjects.allOrderEvents,
    });
    const audited: string[] = [];

    // ### Phase A: both listening
    let feed = openEventStream(`${gateway.url}/admin/events`, adminHeaders());
    await feed.ready;
    let audit = await runAuditConsumer(audited);
    const before = await placeOrders(4);
    await waitFor('the live feed to announce 4 orders', () => placedIn(feed).length === 4);
    await waitFor('the audit consumer to receive 4 orders', () => audited.length === 4);
    expect(placedIn(feed)).toEqual(before);

    // ### Phase B: both offline
    feed.close(); // like a closed browser tab
    await audit.close(); // like a stopped service: nobody pulls
    // The gateway noticed the hang-up and dropped the stream: nothing is written for
    // this client any more.
    await waitFor(
      'the gateway to drop the SSE stream',
      async () => (await liveFeedClients()) === 0,
    );
    const whileAway = await placeOrders(6);

    // ### Phase C: both back, and more orders
    feed = openEventStream(`${gateway.url}/admin/events`, adminHeaders());
    await feed.ready;
    audit = await runAuditConsumer(audited);
    const after = await placeOrders(3);

    await waitFor('the live feed to announce the 3 new orders', () => placedIn(feed).length === 3);
    await waitFor('the audit consumer to catch up', () => audited.length === 4 + 6 + 3);
    const info = await jsm.consumers.info(names.nats.streams.orders.name, AUDIT_DURABLE);
    await audit.close();
    feed.close();

    // At-most-once: the 6 orders placed while the feed was away are gone for it. The
    // reconnected feed announces exactly the 3 placed after it was back.
    expect(placedIn(feed)).toEqual(after);
    expect(placedIn(feed).filter((id) => whileAway.includes(id))).toHaveLength(0);
    // At-least-once: the durable consumer got every order, in stream order, exactly
    // once here (a redelivery would only happen if an ack were lost).
    expect(audited).toEqual([...before, ...whileAway, ...after]);
    expect(info.num_pending).toBe(0);
    // Totals: 13 orders stored; the live feed heard 4 + 3 = 7 of them.
    console.log(
      `live feed heard ${4 + placedIn(feed).length} of 13 orders (missed ${whileAway.length} while away); the durable consumer received ${audited.length} of 13`,
    );
  });

  it('narrows the feed to one region with ?region=, and refuses a region that is not one token', async () => {
    const feed = openEventStream(`${gateway.url}/admin/events?region=us-east`, adminHeaders());
    await feed.ready;
    const [elsewhere] = await placeOrders(1, 'eu-west');
    const [here] = await placeOrders(1, 'us-east');
    await waitFor('the us-east order on the us-east feed', () => placedIn(feed).includes(here!));
    feed.close();
    // The gateway's filter passed us-east's notification and not eu-west's.
    expect(placedIn(feed)).toEqual([here]);
    expect(placedIn(feed)).not.toContain(elsewhere);

    for (const region of ['>', 'eu-west.>', 'EU']) {
      const response = await fetch(`${gateway.url}/events?region=${encodeURIComponent(region)}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
