import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  envelopeHeaders,
  topology,
  type ConsumerControlAction,
  type ConsumerControlReply,
} from '@switchyard/contracts';
import { connectNats, serverMaxDeliver, toNatsHeaders } from '@switchyard/messaging';
import {
  anOrderPlaced,
  cleanupNamespace,
  readTopicUntil,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';

/** `switchyard_bridge_lease_active{route}` of one instance. */
async function leaseActive(service: ServiceProcess, route: string): Promise<boolean> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return text
    .split('\n')
    .some(
      (line) =>
        line.startsWith('switchyard_bridge_lease_active{') &&
        line.includes(`route="${route}"`) &&
        line.endsWith(' 1'),
    );
}

/**
 * Two bridge processes on one route: one forwards, the other stands by (ready, answering
 * the control plane); the operator's pause outlives a handover.
 */
describe('two bridge instances on one route', () => {
  const namespace = uniqueNamespace();
  const names = topology(namespace);
  const route = names.bridgeRoutes[0];
  const env = {
    SWITCHYARD_NAMESPACE: namespace,
    BRIDGE_LEASE_TTL_MS: '1500',
    BRIDGE_ACK_WAIT_MS: '2000',
  };
  const services: ServiceProcess[] = [];
  let nc: NatsConnection;

  /** A control command to every bridge instance; the replies of `instances` of them. */
  async function control(
    action: ConsumerControlAction,
    instances: number,
  ): Promise<ConsumerControlReply[]> {
    const replies: ConsumerControlReply[] = [];
    const messages = await nc.requestMany(
      names.nats.subjects.consumerControl('bridge'),
      JSON.stringify({ action }),
      { strategy: 'count', maxMessages: instances, maxWait: 10_000 },
    );
    for await (const message of messages) replies.push(message.json<ConsumerControlReply>());
    return replies;
  }

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'two-bridges-test' });
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  it('one forwards, the other stands by ready; a paused route stays paused across a SIGTERM handover', async () => {
    const bridges = await Promise.all(
      ['bridge-a', 'bridge-b'].map((label) => startService({ app: 'bridge', env, label })),
    );
    services.push(...bridges);
    const active = await waitFor('exactly one bridge to hold the lease', async () => {
      const states = await Promise.all(bridges.map((bridge) => leaseActive(bridge, route.name)));
      return states.filter(Boolean).length === 1 && bridges[states.indexOf(true)];
    });
    const standby = bridges.find((bridge) => bridge !== active)!;
    // The standby is healthy and ready: it declared the durables, it just does not pull.
    expect((await fetch(`${standby.url}/readyz`)).status).toBe(200);

    // Pause: both instances answer, the standby too (its consumers, paused).
    const paused = await control('pause', 2);
    expect(paused).toHaveLength(2);
    for (const reply of paused) {
      expect(reply.consumers.map((consumer) => consumer.paused)).toEqual([true, true]);
    }

    const orderId = randomUUID();
    const event = anOrderPlaced({ aggregateId: orderId });
    await jetstream(nc).publish(names.nats.subjects.orderEvents(orderId), JSON.stringify(event), {
      msgID: event.eventId,
      headers: toNatsHeaders(envelopeHeaders(event)),
    });

    // The holder leaves gracefully: it releases the lease, the standby takes the route over,
    // and starts it paused: the event waits in JetStream.
    await active.stop('SIGTERM');
    await waitFor('the standby to take the lease', () => leaseActive(standby, route.name));
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(route.stream, route.durable);
    expect(info.num_pending).toBe(1);
    // The server's max_deliver is only a backstop above the bridge's policy (default 20,
    // ADR 0021): at the policy itself, a last delivery whose dead letter is refused is lost.
    expect(info.config.max_deliver).toBe(serverMaxDeliver(20));

    // Resume reaches the new holder's runner: the event goes to Kafka.
    const [resumed] = await control('resume', 1);
    expect(resumed?.consumers.map((consumer) => consumer.paused)).toEqual([false, false]);
    const records = await readTopicUntil(route.topic, (seen) =>
      seen.some((record) => record.key === orderId),
    );
    expect(records.filter((record) => record.key === orderId)).toHaveLength(1);
  });
});
