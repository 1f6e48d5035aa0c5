import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import {
  PREDICTABLE_PAYMENTS,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';

/**
 * ### An accepted order always reaches the read model (issue #11, path 6)
 *
 * The gateway's 201 is a promise: the order is stored and will be readable. Every string
 * the contracts accept must therefore survive every hop (JetStream, Kafka, Postgres `text`
 * and `jsonb`, the dashboard, the logs), and every string that would not is refused at the
 * edge with a 400 naming the field. Before the string policy (`displayableText` in
 * `@switchyard/contracts`, ADR 0026) a `customerId` with a NUL was accepted, dead-lettered
 * by the projector (Postgres refuses `\u0000`), and `GET /orders/:id` stayed 404 for ever.
 *
 * Each case goes through the running system: gateway, orders, inventory, payments, bridge,
 * projector, all real processes in the suite's own namespace.
 */

/** How long an accepted order may take to become readable before we call it lost. */
const READABLE_WITHIN_MS = 30_000;

type Outcome =
  | { status: 400; fields: string[]; messages: string[] }
  | { status: 201; customerId: unknown; items: unknown }
  | { status: 201; unreadable: string }
  | { status: number; body: string };

const order = (customerId: string, items = [{ sku: 'SKU-1', quantity: 1 }]) => ({
  customerId,
  region: 'eu-west',
  items,
});

describe('strings in an order: refused at the edge, or readable downstream', () => {
  const suite = new TestNamespace('s', PREDICTABLE_PAYMENTS, { natsAuth: true });
  const { names } = suite;
  let gateway: ServiceProcess;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  /** Events in the namespace's ORDERS stream: the first store an accepted order reaches. */
  const storedEvents = async () =>
    (await jsm.streams.info(names.nats.streams.orders.name)).state.messages;

  /**
   * POST the body as JSON text (`JSON.stringify` escapes NUL and lone surrogates, so they
   * reach the gateway exactly as a client would send them), and say what became of it: a
   * 400 with its field errors, or a 201 and then what `GET /orders/:id` shows, or that it
   * never showed anything within `READABLE_WITHIN_MS`.
   */
  async function place(body: unknown): Promise<Outcome> {
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 400) {
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = JSON.parse(text) as { errors?: { field: string; message: string }[] };
      return {
        status: 400,
        fields: (problem.errors ?? []).map((error) => error.field),
        messages: (problem.errors ?? []).map((error) => error.message),
      };
    }
    if (response.status !== 201) return { status: response.status, body: text };
    const { orderId } = JSON.parse(text) as { orderId: string };
    try {
      const view = await waitFor(
        `order ${orderId} to be readable`,
        async () => {
          const read = await fetch(`${gateway.url}/orders/${orderId}`);
          return read.status === 200 ? ((await read.json()) as Record<string, unknown>) : undefined;
        },
        { timeoutMs: READABLE_WITHIN_MS },
      );
      return { status: 201, customerId: view.customerId, items: view.items };
    } catch {
      return {
        status: 201,
        unreadable: `GET /orders/${orderId} still 404 after ${READABLE_WITHIN_MS} ms`,
      };
    }
  }

  beforeAll(async () => {
    nc = await connectNats({ settings: await suite.natsSettings(), name: 'e2e-order-strings' });
    jsm = await jetstreamManager(nc);
    await suite.start('orders', 'inventory', 'payments', 'bridge', 'projector');
    [gateway] = await suite.start('gateway');
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  // Runs first in this file (Jest keeps declaration order): no order has been accepted in
  // this namespace yet, so "nothing stored" is exactly "the ORDERS stream is empty".
  describe('refused: 400 naming the field, and nothing stored', () => {
    it.each([
      ['NUL', 'c-\u0000-1', 'U+0000'],
      ['another C0 control (ESC, a terminal escape)', '\u001b[31mred', 'U+001B'],
      ['a tab inside', 'c\t1', 'U+0009'],
      ['a line feed inside (a forged log line)', 'c-1\n{"level":"fatal"}', 'U+000A'],
      ['DEL', 'c\u007f1', 'U+007F'],
      ['a C1 control (NEL)', 'c\u00851', 'U+0085'],
      ['a C1 control (CSI)', 'c\u009b1', 'U+009B'],
      ['a lone high surrogate', 'c-\ud800', 'U+D800'],
      ['a lone low surrogate', '\udc00-c', 'U+DC00'],
      ['a right-to-left override (Trojan Source)', 'c-\u202egnp.exe', 'U+202E'],
      ['a bidi isolate', '\u2067c-1\u2069', 'U+2067'],
      ['a right-to-left mark', 'c-1\u200f', 'U+200F'],
      ['a zero-width space', 'c\u200b1', 'U+200B'],
      ['a byte order mark, even leading', '\ufeffc-1', 'U+FEFF'],
      ['a word joiner', 'c\u20601', 'U+2060'],
      ['a soft hyphen', 'c\u00ad1', 'U+00AD'],
      ['a Hangul filler (renders blank)', '\u3164', 'U+3164'],
      ['a zero-width joiner that joins nothing', '\u200dc-1', 'U+200D'],
      ['a line separator', 'c\u20281', 'U+2028'],
      ['a noncharacter', 'c\uffff', 'U+FFFF'],
      ['a private-use character', 'c\ue000', 'U+E000'],
      ['a leading combining mark (nothing to combine with)', '\u0301c', 'U+0301'],
      ['an empty string', '', undefined],
      ['only whitespace', ' \t\u3000 ', undefined],
      ['65 characters', 'x'.repeat(65), 'got 65'],
    ])('customerId with %s', async (_case, customerId, mentions) => {
      // toEqual, so a failure shows what happened instead: a 201, and whether the order
      // ever became readable.
      expect(await place(order(customerId))).toEqual({
        status: 400,
        fields: ['customerId'],
        messages: [expect.stringContaining(mentions ?? 'characters')],
      });
      expect(await storedEvents()).toBe(0);
    });

    it.each([
      ['NUL', [{ sku: 'SKU\u00001', quantity: 1 }], 'items.0.sku'],
      [
        'a zero-width space, second line',
        [
          { sku: 'SKU-1', quantity: 1 },
          { sku: 'SKU\u200b2', quantity: 1 },
        ],
        'items.1.sku',
      ],
      // `stock.<sku>` is a key in inventory's KV bucket: "SKU-1." is no valid key.
      ['a trailing dot (not a KV key)', [{ sku: 'SKU-1.', quantity: 1 }], 'items.0.sku'],
      ['a doubled dot (an empty subject token)', [{ sku: 'SKU..1', quantity: 1 }], 'items.0.sku'],
    ])('sku with %s names the line', async (_case, items, field) => {
      expect(await place(order('c-1', items))).toMatchObject({ status: 400, fields: [field] });
      expect(await storedEvents()).toBe(0);
    });

    it('a region with a NUL names the region', async () => {
      expect(await place({ ...order('c-1'), region: 'eu\u0000west' })).toMatchObject({
        status: 400,
        fields: ['region'],
      });
      expect(await storedEvents()).toBe(0);
    });
  });

  describe('refused: a body that is not UTF-8', () => {
    it('Latin-1 "é" (byte 0xE9): 400, not an order stored with U+FFFD in its place', async () => {
      const body = Buffer.concat([
        Buffer.from('{"customerId":"Jos'),
        Buffer.from([0xe9]),
        Buffer.from('","region":"eu-west","items":[{"sku":"SKU-1","quantity":1}]}'),
      ]);
      const response = await fetch(`${gateway.url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const text = await response.text();
      expect({ status: response.status, text }).toEqual({
        status: 400,
        text: expect.stringContaining('not valid UTF-8'),
      });
      expect(await storedEvents()).toBe(0);
    });
  });

  describe('accepted: 201, then GET /orders/:id shows the same (NFC, trimmed) string', () => {
    it.each([
      ['plain ASCII', 'c-42', 'c-42'],
      [
        'markup, stored verbatim (rendering escapes it)',
        `O'Brien & <b>Sons</b>`,
        `O'Brien & <b>Sons</b>`,
      ],
      ['Latin with precomposed accents', 'José Müller', 'José Müller'],
      ['decomposed accents (NFD), stored composed (NFC)', 'Jose\u0301 Mu\u0308ller', 'José Müller'],
      ['Vietnamese, stacked diacritics decomposed', 'Nguye\u0302\u0303n', 'Nguyễn'],
      ['a combining mark with no precomposed form', 'q\u0303', 'q\u0303'],
      ['Cyrillic', 'Дмитрий Шостакович', 'Дмитрий Шостакович'],
      ['Greek', 'Αλέξανδρος', 'Αλέξανδρος'],
      ['Arabic (right to left, no bidi controls needed)', 'محمد بن موسى', 'محمد بن موسى'],
      ['Hebrew', 'דוד בן-גוריון', 'דוד בן-גוריון'],
      ['Persian with a zero-width non-joiner inside a word', 'می\u200cخواهم', 'می\u200cخواهم'],
      ['Devanagari (virama, vowel signs)', 'देवनागरी', 'देवनागरी'],
      ['Thai', 'สมชาย', 'สมชาย'],
      ['Chinese', '王小明', '王小明'],
      ['Japanese with an ideographic space', '山田\u3000太郎', '山田\u3000太郎'],
      ['Korean from conjoining jamo (NFD), stored as syllables', '\u1100\u1161\u11a8', '각'],
      ['an emoji', 'c-😀', 'c-😀'],
      ['an emoji with a skin tone', '👍🏽', '👍🏽'],
      [
        'a ZWJ emoji sequence',
        '👩\u200d💻 and 👨\u200d👩\u200d👧\u200d👦',
        '👩\u200d💻 and 👨\u200d👩\u200d👧\u200d👦',
      ],
      ['a flag and a keycap', '🇺🇦 1\ufe0f\u20e3', '🇺🇦 1\ufe0f\u20e3'],
      [
        'a subdivision flag (emoji tag sequence)',
        '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
        '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
      ],
      ['surrounding whitespace, trimmed', ' \t c-7 \n', 'c-7'],
      [
        '64 emoji (64 characters, 128 UTF-16 units, 256 UTF-8 bytes)',
        '😀'.repeat(64),
        '😀'.repeat(64),
      ],
    ])('customerId with %s', async (_case, customerId, stored) => {
      expect(await place(order(customerId))).toEqual({
        status: 201,
        customerId: stored,
        items: [{ sku: 'SKU-1', quantity: 1 }],
      });
    });
  });
});
