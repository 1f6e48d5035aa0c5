import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  envelopeHeaders,
  MessageHeaders,
  PaymentOutcomeSchema,
  topology,
  type PaymentOutcome,
  type PaymentRequested,
} from '@switchyard/contracts';
import { connectNats, fromNatsHeaders, toNatsHeaders } from '@switchyard/messaging';
import {
  aPaymentRequested,
  cleanupNamespace,
  runScript,
  startService,
  testEnv,
  uniqueNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import { TEST_CARDS } from './simulated-processor';

/** The payments work queue on real JetStream, through real payments processes. */
describe('payments work queue', () => {
  const namespace = uniqueNamespace('p');
  const names = topology(namespace);
  const baseEnv = {
    SWITCHYARD_NAMESPACE: namespace,
    PAYMENTS_DECLINE_RATE: '0',
    PAYMENTS_LATENCY_MS: '0',
    PAYMENTS_MAX_DELIVER: '3',
  };
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let payments: ServiceProcess | undefined;

  const request = async (message: PaymentRequested | string) => {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    const headers =
      typeof message === 'string' ? undefined : toNatsHeaders(envelopeHeaders(message));
    await jetstream(nc).publish(names.nats.subjects.paymentRequested, data, {
      headers,
      msgID: randomUUID(),
    });
  };
  const outcomeOf = (orderId: string) =>
    waitFor(`the payment outcome of ${orderId}`, async () => {
      const message = await jsm.streams
        .getMessage(names.nats.streams.paymentEvents.name, {
          last_by_subj: names.nats.subjects.paymentEvents(orderId),
        })
        .catch(() => null);
      return message ? PaymentOutcomeSchema.parse(message.json()) : undefined;
    });
  const deadLetters = async () => {
    const stream = names.nats.streams.deadLetters.name;
    const info = await jsm.streams.info(stream);
    const letters = [];
    for (
      let seq = info.state.first_seq;
      info.state.messages > 0 && seq <= info.state.last_seq;
      seq++
    ) {
      const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      if (message?.subject === names.nats.consumers.paymentsWorker.deadLetterSubject) {
        letters.push({ seq, headers: fromNatsHeaders(message.header), body: message.string() });
      }
    }
    return letters;
  };

  beforeAll(async () => {
    nc = await connectNats({ settings: testEnv, name: 'payments-int-test' });
    jsm = await jetstreamManager(nc);
  });

  afterEach(async () => {
    await payments?.stop();
    payments = undefined;
  });

  afterAll(async () => {
    await nc?.close();
    await cleanupNamespace(namespace);
  });

  it('retries a transient failure with backoff until it succeeds, and declines a declined card', async () => {
    payments = await startService({
      app: 'payments',
      env: { ...baseEnv, PAYMENTS_FAILURE_RATE: '0' },
    });
    const flaky = aPaymentRequested(TEST_CARDS.flaky);
    const declined = aPaymentRequested(TEST_CARDS.declined);
    await request(flaky);
    await request(declined);

    const flakyOutcome: PaymentOutcome = await outcomeOf(flaky.data.orderId);
    expect(flakyOutcome).toMatchObject({
      type: 'PaymentSucceeded',
      causationId: flaky.eventId,
      data: { amountCents: 2_500 },
    });
    expect(await outcomeOf(declined.data.orderId)).toMatchObject({
      type: 'PaymentDeclined',
      causationId: declined.eventId,
    });

    // Two naks, each with a backoff, before the third delivery succeeded.
    const retries = payments
      .lines()
      .filter((line) => line.includes('retrying') && line.includes('processor timeout (test card'));
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatch(/in \d+ ms, delivery 1\/3/);
    expect(retries[1]).toMatch(/in \d+ ms, delivery 2\/3/);
    // Work queue: acked requests are gone from the stream.
    await waitFor(
      'the work queue to drain',
      async () => (await jsm.streams.info(names.nats.streams.payments.name)).state.messages === 0,
    );
  });

  it('dead-letters a malformed request at once, with the reason, and never retries it', async () => {
    payments = await startService({
      app: 'payments',
      env: { ...baseEnv, PAYMENTS_FAILURE_RATE: '0' },
    });
    const marker = randomUUID();
    await request(JSON.stringify({ type: 'PaymentRequested', marker }));

    const letter = await waitFor('the dead letter', async () =>
      (await deadLetters()).find((l) => l.body.includes(marker)),
    );
    expect(letter.headers[MessageHeaders.deadLetterReason]).toContain(
      'not a valid PaymentRequested',
    );
    expect(letter.headers[MessageHeaders.deliveryCount]).toBe('1');
  });

  it('dead-letters after max_deliver during an outage; the redrive command brings it back once the outage is over', async () => {
    payments = await startService({
      app: 'payments',
      env: { ...baseEnv, PAYMENTS_FAILURE_RATE: '1' },
      label: 'payments-outage',
    });
    const stuck = aPaymentRequested('c-outage');
    await request(stuck);

    const letter = await waitFor('the dead letter', async () =>
      (await deadLetters()).find((l) => l.body.includes(stuck.data.orderId)),
    );
    expect(letter.headers[MessageHeaders.deadLetterReason]).toBe(
      'gave up after 3 deliveries: processor unavailable',
    );
    expect(letter.headers[MessageHeaders.deliveryCount]).toBe('3');
    await payments.stop();

    // The processor is back. Redrive, as an operator would.
    payments = await startService({
      app: 'payments',
      env: { ...baseEnv, PAYMENTS_FAILURE_RATE: '0' },
      label: 'payments-recovered',
    });
    const redrive = await runScript('apps/payments/dist/redrive.js', [], {
      SWITCHYARD_NAMESPACE: namespace,
    });
    expect(redrive).toMatchObject({ code: 0 });
    const output = redrive.output;
    expect(output).toContain(`redriven #${letter.seq}`);

    expect(await outcomeOf(stuck.data.orderId)).toMatchObject({
      type: 'PaymentSucceeded',
      causationId: stuck.eventId,
    });
    expect((await deadLetters()).find((l) => l.seq === letter.seq)).toBeUndefined();
  });
});
