import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { MessageHeaders, topology } from '@switchyard/contracts';
import { ensureStream } from '@switchyard/messaging';
import { AuthNats, runScript, uniqueNamespace } from '@switchyard/testkit';
import { outcomeOf, UserConnections } from './permission-probes';

const quiet = { log: () => undefined, warn: () => undefined };

/**
 * ### Dead letters: the redrive tool moves them with its own rights; a service cannot read them.
 *
 * Dead letters hold whole messages (orders, payments) and moving them is an operator's act.
 * The `redrive` user may read and delete the dead letters and publish them back where their
 * consumer reads; the gateway may only count them (its dashboard panel).
 */
describe('dead letters under NATS authorization', () => {
  const namespace = uniqueNamespace('secr');
  const names = topology(namespace);
  const { streams } = names.nats;
  let nats: AuthNats;
  let users: UserConnections;

  const connectAs = (user: Parameters<AuthNats['settingsOf']>[0]) => users.connect(user);
  const storedOn = (stream: string, subject: string) => users.storedOn(stream, subject);

  beforeAll(async () => {
    nats = await AuthNats.start(namespace);
    users = new UserConnections(nats);
    // The orders service makes the streams and gives up on a saga message.
    const orders = await connectAs('orders');
    const jsm = await jetstreamManager(orders);
    for (const stream of [streams.deadLetters, streams.redrives])
      await ensureStream(jsm, stream, { replicas: 1, logger: quiet });
    const headers = natsHeaders();
    headers.set(MessageHeaders.deadLetterReason, 'inventory did not answer');
    // `<stream>:<sequence>:<subject>` of the message the saga gave up on.
    headers.set(
      MessageHeaders.deadLetterSource,
      `${streams.orders.name}:7:${names.nats.subjects.orderEvents('o-1')}`,
    );
    await jetstream(orders).publish(
      names.nats.consumers.ordersSaga.deadLetterSubject,
      '{"type":"OrderPlaced"}',
      { headers },
    );
  });

  afterAll(async () => {
    await users?.closeAll();
    await nats?.stop();
  });

  it('the gateway can count dead letters but not read or delete them', async () => {
    const gateway = await connectAs('gateway');
    const jsm = await jetstreamManager(gateway);
    expect((await jsm.streams.info(streams.deadLetters.name)).state.messages).toBe(1);
    expect(
      await outcomeOf(async () => {
        const reader = await jetstream(gateway).consumers.get(streams.deadLetters.name);
        await reader.next({ expires: 1_000 });
      }),
    ).toContain('Permissions Violation');
    expect(await outcomeOf(() => jsm.streams.deleteMessage(streams.deadLetters.name, 1))).toContain(
      'Permissions Violation',
    );
    expect(
      await storedOn(streams.deadLetters.name, names.nats.consumers.ordersSaga.deadLetterSubject),
    ).toBe(1);
  });

  it('npm run redrive, as the redrive user, moves them back to their consumer', async () => {
    const source = 'orders.saga';
    const run = await runScript('tools/redrive/dist/main.js', ['--source', source], {
      SWITCHYARD_NAMESPACE: namespace,
      ...nats.envOf('redrive'),
    });
    expect(run.output).toContain('"msg":"redrive complete"');
    expect(run.code).toBe(0);
    const back = names.nats.consumers.ordersSaga.redrive.filterSubject;
    expect(await storedOn(streams.redrives.name, back)).toBe(1);
    expect(
      await storedOn(streams.deadLetters.name, names.nats.consumers.ordersSaga.deadLetterSubject),
    ).toBe(0);
    // The connection name is in every violation line: none is the tool's.
    expect(nats.violations().filter((line) => line.includes(':redrive"'))).toEqual([]);
  });
});
