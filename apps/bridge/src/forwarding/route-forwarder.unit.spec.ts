import type { JsMsg } from '@nats-io/jetstream';
import { envelopeHeaders, MessageHeaders, topology } from '@switchyard/contracts';
import type { EventProducer, ProducedRecord } from '@switchyard/messaging';
import { anOrderPlaced } from '@switchyard/testkit';
import { NotTheLeaseHolderError, RouteForwarder } from './route-forwarder';

const route = topology('unit').bridgeRoutes[0];

/** A JetStream delivery as the forwarder reads it; reading its NATS headers fails the test. */
function delivery(payload: string, seq: number): JsMsg {
  const data = new TextEncoder().encode(payload);
  return {
    data,
    seq,
    info: { stream: 'ORDERS' },
    json: () => JSON.parse(payload) as unknown,
    get headers(): never {
      throw new Error('the untraced path must not decode NATS headers');
    },
  } as unknown as JsMsg;
}

function capturingProducer(fail?: Error) {
  const sent: { topic: string; records: ProducedRecord[] }[] = [];
  const producer = {
    send: async (topic: string, records: ProducedRecord[]) => {
      if (fail) throw fail;
      sent.push({ topic, records });
    },
  } as unknown as EventProducer;
  return { producer, sent };
}

describe('RouteForwarder without tracing', () => {
  it('given valid events and a payload that is not JSON, when forwarded, then the events go out with their envelope headers and the bad one is dead-lettered', async () => {
    const event = anOrderPlaced();
    const { producer, sent } = capturingProducer();

    const dispositions = await new RouteForwarder(producer, route, false).forward([
      delivery(JSON.stringify(event), 7),
      delivery('{not json', 8),
    ]);

    expect(dispositions).toEqual([
      { kind: 'ack' },
      { kind: 'dead-letter', reason: 'payload is not JSON' },
    ]);
    expect(sent).toEqual([
      {
        topic: route.topic,
        records: [
          {
            key: event.aggregateId,
            value: Buffer.from(JSON.stringify(event)),
            headers: {
              ...envelopeHeaders(event),
              'sy-jetstream-source': 'ORDERS:7',
              // When it was sent: a time, not asserted (tests never assert on the clock).
              [MessageHeaders.forwardedAt]: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            },
            timestamp: Date.parse(event.occurredAt),
          },
        ],
      },
    ]);
  });

  it('given Kafka refuses the batch, when forwarded, then it throws so the runner naks it', async () => {
    const { producer } = capturingProducer(new Error('broker down'));

    await expect(
      new RouteForwarder(producer, route, false).forward([
        delivery(JSON.stringify(anOrderPlaced()), 1),
      ]),
    ).rejects.toThrow('broker down');
  });

  it('given this instance no longer holds the route lease, when a batch is forwarded, then nothing is sent and it throws so the batch is given back', async () => {
    const { producer, sent } = capturingProducer();
    let held = true;
    const forwarder = new RouteForwarder(producer, route, false, () => held);
    await forwarder.forward([delivery(JSON.stringify(anOrderPlaced()), 1)]);

    held = false;

    await expect(
      forwarder.forward([delivery(JSON.stringify(anOrderPlaced()), 2)]),
    ).rejects.toBeInstanceOf(NotTheLeaseHolderError);
    expect(sent).toHaveLength(1);
  });
});
