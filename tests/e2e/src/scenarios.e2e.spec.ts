import {
  coreVsJetStream,
  openContext,
  paymentsOffline,
  poisonMessage,
  ScenarioEnvSchema,
  silentNarrator,
  type ScenarioContext,
} from '@switchyard/scenario';
import {
  adminRequest,
  PREDICTABLE_PAYMENTS,
  repoRoot,
  testAdminToken,
  testEnv,
  TestNamespace,
  type ServiceProcess,
} from '@switchyard/testkit';

/**
 * The scenarios of `npm run scenario`, run against real processes of every app, asserting
 * what each scenario *found* (its outcome), not the words it prints. kafka-down is not
 * here: it stops a Kafka broker, and the e2e tier shares one (the fault drills own that).
 */
describe('scenarios for people, against the whole system', () => {
  // No random declines or failures: the outcomes are exact.
  const suite = new TestNamespace('s', PREDICTABLE_PAYMENTS, { natsAuth: true });
  let gateway: ServiceProcess;
  let payments: ServiceProcess;
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    await suite.start('orders', 'inventory', 'bridge', 'projector');
    [payments, gateway] = await suite.start('payments', 'gateway');
    context = await openContext(
      ScenarioEnvSchema.parse({
        NATS_URL: testEnv.NATS_URL,
        // The scenario tool connects as the `scenario` user, on the suite's server.
        ...(await suite.natsEnvOf('scenario')),
        KAFKA_BROKERS: testEnv.KAFKA_BROKERS.join(','),
        SWITCHYARD_NAMESPACE: suite.namespace,
        GATEWAY_URL: gateway.url,
        ADMIN_TOKEN: testAdminToken,
      }),
      silentNarrator,
      repoRoot,
    );
  });

  afterAll(async () => {
    await context?.close();
    await suite.close();
  });

  it('GET /admin/consumers lists every controlled consumer with its running instances', async () => {
    const response = await fetch(`${gateway.url}/admin/consumers`, adminRequest());
    expect(response.status).toBe(200);
    const consumers = (await response.json()) as unknown[];
    const names = context.topology.controlledConsumers;
    expect(consumers).toEqual(
      expect.arrayContaining([
        { service: 'payments', consumer: names.payments[0], paused: false, instances: 1 },
        { service: 'orders', consumer: names.orders[0], paused: false, instances: 1 },
        { service: 'orders', consumer: names.orders[1], paused: false, instances: 1 },
        { service: 'bridge', consumer: names.bridge[0], paused: false, instances: 1 },
        { service: 'projector', consumer: names.projector[0], paused: false, instances: 1 },
      ]),
    );
  });

  it('an unknown service is a 404 problem', async () => {
    const response = await fetch(
      `${gateway.url}/admin/consumers/rebuilder/pause`,
      adminRequest('POST'),
    );
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('payments-offline: requests wait in JetStream while payments is paused, all processed after resume', async () => {
    const outcome = await paymentsOffline.run(context, { orders: 5, downSeconds: 0 });

    expect(outcome.acceptedWhilePaused).toBe(5);
    expect(outcome.pendingWhilePaused).toBe(5);
    expect(outcome.whilePaused).toEqual({ PLACED: 5 });
    expect(outcome.afterResume).toEqual({ CONFIRMED: 5 });
    expect(outcome.pendingAfterResume).toBe(0);
    const [state] = (await context.gateway.consumers()).filter((c) => c.service === 'payments');
    expect(state).toMatchObject({ paused: false, instances: 1 });
  });

  it('core-vs-jetstream: the core subscriber misses what was published while away, the durable gets all', async () => {
    const outcome = await coreVsJetStream.run(context, { orders: 4, downSeconds: 0 });

    expect(outcome.coreReceivedWhileOnline).toBe(outcome.placedWhileOnline);
    expect(outcome.placedWhileOffline).toBe(4);
    expect(outcome.coreReceivedAfterReturn).toBe(0);
    expect(outcome.jetStreamReceivedAfterReturn).toBe(4);
  });

  it('poison-message: both poisons dead-lettered with reasons, the next order still flows', async () => {
    const outcome = await poisonMessage.run(context, { orders: 1, downSeconds: 0 });

    const partitions = context.topology.kafka.topics.orderEvents.partitions;
    expect(outcome.kafka.poisonSent).toBe(partitions);
    expect(outcome.kafka.deadLettered.map((letter) => letter.partition)).toEqual(
      Array.from({ length: partitions }, (_, partition) => partition),
    );
    for (const letter of outcome.kafka.deadLettered) expect(letter.reason).not.toBe('');
    expect(outcome.jetStream.reason).toContain('not a valid PaymentRequested');
    // Dead-lettered on its first delivery: retrying cannot fix a malformed payload.
    expect(outcome.jetStream.deliveryCount).toBe('1');
    expect(outcome.nextOrder).toEqual({ CONFIRMED: 1 });
  });

  it('pausing a service with no running instance is a 503 problem', async () => {
    await payments.stop();
    const response = await fetch(
      `${gateway.url}/admin/consumers/payments/pause`,
      adminRequest('POST'),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
