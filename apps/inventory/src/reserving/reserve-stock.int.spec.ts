import { randomUUID } from 'node:crypto';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type ReserveStockReply } from '@switchyard/contracts';
import { jetstream } from '@nats-io/jetstream';
import { connectNats } from '@switchyard/messaging';
import { nestRequest, testEnv, TestNamespace } from '@switchyard/testkit';
import { stockOperationId } from '../stock/operation-ids';
import { inventoryRequests } from './__tests__/inventory-requests';
import type { Reservation } from '../stock/reservation-store';
import { withChange, type StockValue } from '../stock/stock-value';

/** Two real inventory processes competing for the same stock on the real NATS server. */
describe('ReserveStock / ReleaseStock with two instances', () => {
  const suite = new TestNamespace('t', { INVENTORY_SEED_DEMO_CATALOG: 'false' });
  const { names } = suite;
  let nc: NatsConnection;
  let bucket: KV;

  const requests = () => inventoryRequests(nc, names);
  const reserve = (orderId: string, sku: string, quantity = 1) =>
    requests().reserve(orderId, sku, quantity);
  const release = (orderId: string) => requests().release(orderId);
  const stockOf = (sku: string) => requests().stockOf(sku);
  const putStock = (sku: string, available: number) =>
    bucket.put(`stock.${sku}`, JSON.stringify({ available, priceCents: 250 }));

  beforeAll(async () => {
    await Promise.all(
      ['inventory-a', 'inventory-b'].map((label) => suite.startOne({ app: 'inventory', label })),
    );
    nc = await connectNats({ settings: testEnv, name: 'inventory-int-test' });
    bucket = await new Kvm(nc).open(names.nats.kv.inventory.name);
  });

  afterAll(async () => {
    await nc?.close();
    await suite.close();
  });

  it('never oversells: 200 concurrent reservations of a SKU with stock 50 → exactly 50 succeed', async () => {
    const sku = `HOT-${randomUUID().slice(0, 8)}`;
    await putStock(sku, 50);

    const replies = await Promise.all(
      Array.from({ length: 200 }, () => reserve(randomUUID(), sku)),
    );

    expect(replies.filter((reply) => reply.err !== undefined)).toEqual([]);
    const outcomes = replies.map((reply) => reply.response!.outcome);
    expect(outcomes.filter((outcome) => outcome === 'reserved')).toHaveLength(50);
    expect(outcomes.filter((outcome) => outcome === 'rejected')).toHaveLength(150);
    expect(await stockOf(sku)).toEqual({ found: true, sku, available: 0, priceCents: 250 });
  });

  it('reserves once per order, however often the command is repeated, and releases once', async () => {
    const sku = `ONCE-${randomUUID().slice(0, 8)}`;
    await putStock(sku, 10);
    const orderId = randomUUID();

    const attempts = await Promise.all(Array.from({ length: 5 }, () => reserve(orderId, sku, 3)));
    // Concurrent duplicates either get the answer or "in progress, retry" (409)…
    const answered = attempts.filter((attempt) => attempt.response);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((attempt) => attempt.response!.outcome === 'reserved')).toBe(true);
    for (const attempt of attempts.filter((a) => a.err))
      expect(attempt.err).toMatchObject({ status: 409 });
    // …and a later retry gets the same answer, without taking stock again.
    expect((await reserve(orderId, sku, 3)).response).toEqual({
      outcome: 'reserved',
      orderId,
      totalCents: 750,
    });
    expect(await stockOf(sku)).toMatchObject({ available: 7 });

    const releases = await Promise.all([release(orderId), release(orderId), release(orderId)]);
    expect(releases.map((r) => r.response!.outcome).sort()).toEqual([
      'nothing-to-release',
      'nothing-to-release',
      'released',
    ]);
    expect(await stockOf(sku)).toMatchObject({ available: 10 });
  });

  it('rejects an order whose lines cannot all be served, and keeps nothing of it', async () => {
    const [plenty, scarce] = [`P-${randomUUID().slice(0, 8)}`, `S-${randomUUID().slice(0, 8)}`];
    await putStock(plenty, 100);
    await putStock(scarce, 1);
    const orderId = randomUUID();

    const reply = await nestRequest<ReserveStockReply>(nc, names.nats.subjects.reserveStock, {
      orderId,
      items: [
        { sku: plenty, quantity: 5 },
        { sku: scarce, quantity: 2 },
      ],
    });

    expect(reply.response).toEqual({
      outcome: 'rejected',
      orderId,
      reason: 'insufficient-stock',
      shortages: [{ sku: scarce, requested: 2, available: 1 }],
    });
    expect(await stockOf(plenty)).toMatchObject({ available: 100 });
    expect(await stockOf(scarce)).toMatchObject({ available: 1 });
    expect((await release(orderId)).response).toEqual({ orderId, outcome: 'nothing-to-release' });
  });

  it('rejects an unknown SKU, and a malformed command with field errors', async () => {
    const orderId = randomUUID();
    expect((await reserve(orderId, 'NO-SUCH-SKU')).response).toMatchObject({
      outcome: 'rejected',
      reason: 'unknown-sku',
    });
    const malformed = await nestRequest(nc, names.nats.subjects.reserveStock, { orderId: 'x' });
    expect(malformed.err).toMatchObject({ status: 400 });
  });

  /**
   * A stock change whose answer was lost (NATS restarting under it) is made again under
   * the same operation id. These set up what a dead or cut-off instance leaves behind,
   * with the same writes it makes, and let the real services finish the job.
   */
  describe('after a stock change whose answer was lost', () => {
    /**
     * What an instance does to take or give back a line: CAS of the new level with the
     * change recorded in the value, under the operation's id.
     */
    const changeStock = async (sku: string, delta: number, operationId: string) => {
      const entry = (await bucket.get(`stock.${sku}`))!;
      const next = withChange(entry.json<StockValue>(), entry.revision, delta, operationId, 512);
      await jetstream(nc).publish(
        `$KV.${names.nats.kv.inventory.name}.stock.${sku}`,
        JSON.stringify(next),
        { msgID: operationId, expect: { lastSubjectSequence: entry.revision } },
      );
    };
    /** The revision of each SKU's stock key now (what an instance notes before giving back). */
    const revisionsOf = async (skus: readonly string[]) =>
      Object.fromEntries(
        await Promise.all(
          skus.map(async (sku) => [sku, (await bucket.get(`stock.${sku}`))!.revision] as const),
        ),
      );
    const writeReservation = (orderId: string, reservation: Reservation) =>
      bucket.put(`reservation.${orderId}`, JSON.stringify(reservation));
    /** Two fresh SKUs with stock, and an order for `[A, B]` quantities of them (SKU order). */
    const twoLineOrder = async (stock: [number, number], quantities: [number, number]) => {
      const prefix = randomUUID().slice(0, 8);
      const skus = [`${prefix}-A`, `${prefix}-B`] as const;
      // As inventory seeds a SKU: a new key, its record of changes complete (empty).
      for (const [index, sku] of skus.entries())
        await bucket.create(
          `stock.${sku}`,
          JSON.stringify({
            available: stock[index],
            priceCents: 250,
            changes: [],
            forgottenThrough: 0,
          }),
        );
      const items = [
        { sku: skus[0], quantity: quantities[0] },
        { sku: skus[1], quantity: quantities[1] },
      ];
      return { skus, items, orderId: randomUUID() };
    };
    /** What inventory answers is available of each SKU, in order. */
    const availableOf = (skus: readonly string[]) =>
      Promise.all(
        skus.map(async (sku) => {
          const reply = await stockOf(sku);
          return reply && 'available' in reply ? reply.available : undefined;
        }),
      );
    const reserveItems = async (orderId: string, items: { sku: string; quantity: number }[]) =>
      (
        await nestRequest<ReserveStockReply>(nc, names.nats.subjects.reserveStock, {
          orderId,
          items,
        })
      ).response;

    it('given an instance that died after taking a line, when the reservation is taken over, then every line is taken exactly once', async () => {
      // Sorted as planned: the line in doubt (A) comes first. A's take leaves none of A,
      // so the new owner's second try finds "not enough" and must recognise its own take.
      const {
        skus: [inDoubt, next],
        items,
        orderId,
      } = await twoLineOrder([2, 5], [2, 1]);
      // The dead owner: claimed 11 s ago (stale), took A, died before recording it.
      await writeReservation(orderId, {
        state: 'pending',
        lines: items,
        applied: 0,
        totalCents: 0,
        claimedAt: new Date(Date.now() - 11_000).toISOString(),
      });
      await changeStock(inDoubt, -2, stockOperationId.reserve(orderId, inDoubt));

      expect(await reserveItems(orderId, items)).toEqual({
        outcome: 'reserved',
        orderId,
        totalCents: 750,
      });
      // Taken once each: before operation ids, the new owner gave back what the record
      // said (nothing), started over, found A empty and rejected the order, A's 2 units
      // stranded.
      expect(await availableOf([inDoubt, next])).toEqual([0, 4]);
      expect((await release(orderId)).response).toMatchObject({ outcome: 'released' });
      expect(await availableOf([inDoubt, next])).toEqual([2, 5]);
    });

    it('given a rejection cut off before it gave back what it took, when the order is reserved again, then that goes back once, and the answer stays rejected', async () => {
      const {
        skus: [taken, short],
        items,
        orderId,
      } = await twoLineOrder([10, 1], [3, 2]);
      // An instance took A, found B short, marked the reservation rejected and lost NATS
      // before giving A back.
      await changeStock(taken, -3, stockOperationId.reserve(orderId, taken));
      const givingBackFrom = await revisionsOf([taken]);
      await writeReservation(orderId, {
        givingBackFrom,
        state: 'rejected',
        lines: items,
        applied: 0,
        totalCents: 0,
        returned: 1,
        rejectedAt: new Date().toISOString(),
        reason: 'insufficient-stock',
        shortages: [{ sku: short, requested: 2, available: 1 }],
        claimedAt: new Date().toISOString(),
      });
      expect(await stockOf(taken)).toMatchObject({ available: 7 });

      const rejected = {
        outcome: 'rejected',
        orderId,
        reason: 'insufficient-stock',
        shortages: [{ sku: short, requested: 2, available: 1 }],
      };
      for (let retry = 0; retry < 2; retry++) {
        expect(await reserveItems(orderId, items)).toEqual(rejected);
      }

      expect(await availableOf([taken, short])).toEqual([10, 1]);
    });

    it('given a release that gave back only some lines, when the order is released again, then the rest goes back, and nothing twice', async () => {
      const {
        skus: [first, second],
        items,
        orderId,
      } = await twoLineOrder([10, 10], [3, 4]);
      expect(await reserveItems(orderId, items)).toMatchObject({ outcome: 'reserved' });
      // The first release: marked released, gave back the first line, then lost NATS.
      const stored = (await bucket.get(`reservation.${orderId}`))!.json<Reservation>();
      await writeReservation(orderId, {
        ...stored,
        state: 'released',
        releasedAt: new Date().toISOString(),
        givingBackFrom: await revisionsOf([first, second]),
      });
      await changeStock(first, 3, stockOperationId.release(orderId, first));
      expect(await stockOf(second)).toMatchObject({ available: 6 });

      // The saga's retry, twice.
      expect((await release(orderId)).response).toEqual({ orderId, outcome: 'nothing-to-release' });
      expect((await release(orderId)).response).toEqual({ orderId, outcome: 'nothing-to-release' });

      expect(await availableOf([first, second])).toEqual([10, 10]);
    });
  });
});
