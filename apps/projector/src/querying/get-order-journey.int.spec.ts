import type { NatsConnection } from '@nats-io/transport-node';
import {
  envelopeHeaders,
  MessageHeaders,
  topology,
  type GetOrderJourneyReply,
  type GetOrderReply,
} from '@switchyard/contracts';
import { connectNats, createKafka, EventProducer } from '@switchyard/messaging';
import {
  anOrderPlaced,
  cleanupNamespace,
  nestRequest,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';

const quiet = { log() {}, warn() {}, error() {} };
const FORWARDED_AT = '2026-12-03T12:00:00.500Z';

/**
 * `GetOrderJourney` on the real projector: an event produced to the topic as the bridge
 * produces it (envelope headers, `sy-forwarded-at`) comes back with where the projector
 * found it on Kafka and when it wrote it (ADR 0046).
 */
describe('GetOrderJourney', () => {
  const namespace = uniqueNamespace('journey');
  const names = topology(namespace);
  const ordersTopic = names.kafka.topics.orderEvents.name;
  let projector: ServiceProcess;
  let producer: EventProducer;
  let nc: NatsConnection;

  beforeAll(async () => {
    projector = await startService({ app: 'projector', env: { SWITCHYARD_NAMESPACE: namespace } });
    producer = new EventProducer(
      createKafka({ clientId: 'journey-test', brokers: testEnv.KAFKA_BROKERS, logger: quiet }),
    );
    await producer.connect();
    nc = await connectNats({ settings: testEnv, name: 'journey-test' });
  });

  afterAll(async () => {
    await projector?.stop();
    await producer?.disconnect();
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  it('given an order event the projector applied, when its journey is asked for, then it has the Kafka position and both times', async () => {
    const placed = anOrderPlaced();
    const orderId = placed.aggregateId;
    await producer.send(ordersTopic, [
      {
        key: orderId,
        value: JSON.stringify(placed),
        headers: { ...envelopeHeaders(placed), [MessageHeaders.forwardedAt]: FORWARDED_AT },
      },
    ]);
    await waitFor('the order to be projected', async () => {
      const reply = await nestRequest<GetOrderReply>(nc, names.nats.subjects.getOrder, { orderId });
      return reply.response?.found === true;
    });

    const reply = await nestRequest<GetOrderJourneyReply>(nc, names.nats.subjects.getOrderJourney, {
      orderId,
    });

    expect(reply.response).toEqual({
      events: [
        {
          eventId: placed.eventId,
          type: 'OrderPlaced',
          topic: ordersTopic,
          partition: expect.any(Number),
          offset: expect.stringMatching(/^\d+$/),
          forwardedAt: '2026-12-03T12:00:00.500000Z',
          projectedAt: expect.stringMatching(/Z$/),
        },
      ],
    });
  });

  it('given an id that is not a UUID, when asked, then it answers 400 Invalid GetOrderJourney', async () => {
    const reply = await nestRequest(nc, names.nats.subjects.getOrderJourney, { orderId: 'x' });

    expect(reply.err).toMatchObject({ status: 400, title: 'Invalid GetOrderJourney' });
  });
});
