import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  MessageHeaders,
  type GetStockReply,
  type OrderLine,
  type OrderStatus,
  type Topology,
} from '@switchyard/contracts';
import { nestRequest, waitFor } from '@switchyard/testkit';
import type { Client } from 'pg';
import type { AcceptedOrder } from '../load/order-load';
import { DRILL_STOCK, type DrillSku } from '../load/order-mix';
import type { DesignedFailures } from './designed-failures';
import { traceSagas } from './saga-trace';
import { readStream } from './stream-reader';
import { readWholeTopic, topicEnds } from './topic-reader';

/**
 * Where the stores stood when a drill began (load paused, the previous drill's orders
 * settled): a drill is checked against what changed since, so an order lost by one
 * drill is reported by that drill only, never again by every drill after it.
 */
export interface DrillBaseline {
  /** Index in the load's `accepted` list of the drill's first order. */
  from: number;
  /** Order ids in the read model before the drill. */
  rowIds: Set<string>;
  /** Per SKU, what inventory had available before the drill. */
  available: Record<DrillSku, number>;
  /** Next sequence of JetStream `ORDERS` and `DEADLETTERS`. */
  ordersSeq: number;
  deadLetterSeq: number;
  /** Per partition, the end offsets of the Kafka order and dead-letter topics. */
  orderTopicEnds: Map<number, bigint>;
  deadLetterTopicEnds: Map<number, bigint>;
  /** How many designed failures had been injected before the drill. */
  designedFrom: { payments: number; poison: number };
}

/** Everything below counts the drill's own orders, events and dead letters only. */
export interface InvariantReport {
  /** Orders answered 201 during the drill. */
  accepted: number;
  /** Accepted orders with no terminal row in the read model. */
  lost: number;
  /** Extra rows, one order id for two keys, or a row that applied an event twice. */
  duplicated: number;
  /** Rows whose status is not one the order was designed to end in. */
  wrongStatus: number;
  /** Event ids in JetStream `ORDERS` and not on Kafka. */
  missingOnKafka: number;
  /** Records added to Kafka during the drill carrying an event id seen before (allowed: at-least-once). */
  kafkaDuplicates: number;
  eventsInJetStream: number;
  /**
   * Per SKU, during the drill: units inventory handed out (available before − after) vs
   * the quantity in the drill's orders that ended confirmed.
   */
  stock: Record<DrillSku, { available: number; sold: number; confirmedQuantity: number }>;
  /** Cancelled/rejected orders still holding a reservation, or confirmed ones without one. */
  reservationProblems: number;
  deadLetters: { jetstream: number; kafka: number; unexpected: string[]; missing: string[] };
  /** Details of every violation, for the failure message. */
  problems: string[];
}

interface Row {
  order_id: string;
  status: OrderStatus;
  version: number;
  items: OrderLine[];
}

const TERMINAL: readonly OrderStatus[] = ['CONFIRMED', 'CANCELLED', 'REJECTED'];
const RESERVATION_AFTER: Record<string, readonly string[]> = {
  CONFIRMED: ['reserved'],
  CANCELLED: ['released'],
  REJECTED: ['rejected'],
};

/**
 * ### The guarantees every drill must leave intact.
 *
 * Called with the load paused and every HTTP attempt answered, it first waits (bounded)
 * for the system to settle, then compares what the clients were told with what every
 * store holds: the read model (Postgres), stock and reservations (JetStream KV, and
 * inventory over NATS), the event log (JetStream) against the backbone (Kafka), and
 * both dead-letter stores. Each drill is compared with its `DrillBaseline`: its own
 * orders, the stock it moved, the events and dead letters it added.
 */
export class InvariantChecker {
  private kv: KV | undefined;

  constructor(
    private readonly nc: () => NatsConnection,
    private readonly pg: Client,
    private readonly brokers: string[],
    private readonly names: Topology,
    private readonly designed: DesignedFailures,
  ) {}

  /** Where every store stands now; taken with the load paused, before a drill starts. */
  async baseline(from: number): Promise<DrillBaseline> {
    const route = this.names.bridgeRoutes[0];
    const jsm = await jetstreamManager(this.nc());
    const nextSeq = async (stream: string) => (await jsm.streams.info(stream)).state.last_seq + 1;
    const available = {} as DrillBaseline['available'];
    for (const sku of Object.keys(DRILL_STOCK) as DrillSku[])
      available[sku] = await this.available(sku);
    return {
      from,
      rowIds: new Set((await this.rows()).keys()),
      available,
      ordersSeq: await nextSeq(route.stream),
      deadLetterSeq: await nextSeq(this.names.nats.streams.deadLetters.name),
      orderTopicEnds: await topicEnds(this.brokers, route.topic),
      deadLetterTopicEnds: await topicEnds(this.brokers, this.names.kafka.topics.deadLetters.name),
      designedFrom: {
        payments: this.designed.paymentMarkers.length,
        poison: this.designed.poisonKeys.length,
      },
    };
  }

  /** Waits until every accepted order is terminal in the read model; returns the rows. */
  async settle(accepted: AcceptedOrder[], timeoutMs = 150_000): Promise<Map<string, Row>> {
    return waitFor(
      `${accepted.length} accepted orders to reach a terminal status in the read model`,
      async () => {
        const rows = await this.rows();
        const settled = accepted.every((order) =>
          TERMINAL.includes(rows.get(order.orderId)?.status ?? 'PLACED'),
        );
        return settled && rows;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /**
   * Checks the drill that began at `baseline`: its orders are `accepted.slice(baseline.from)`
   * (`accepted` is every order of the run, so a row or an order id is never mistaken for an
   * unknown one because an earlier drill placed it).
   */
  async check(accepted: AcceptedOrder[], baseline: DrillBaseline): Promise<InvariantReport> {
    const problems: string[] = [];
    const drillOrders = accepted.slice(baseline.from);
    const rows = await this.settle(drillOrders);
    const byId = new Map<string, AcceptedOrder>();
    let duplicated = 0;
    accepted.forEach((order, index) => {
      const other = byId.get(order.orderId);
      // Reported by the drill whose order reused the id (the later key).
      if (other && index >= baseline.from) {
        duplicated++;
        problems.push(`order ${order.orderId} answered for keys ${other.key} and ${order.key}`);
      }
      if (!other) byId.set(order.orderId, order);
    });

    let lost = 0;
    let wrongStatus = 0;
    for (const order of drillOrders) {
      const row = rows.get(order.orderId);
      if (!row || !TERMINAL.includes(row.status)) {
        lost++;
        problems.push(`order ${order.orderId} (${order.kind}) is ${row?.status ?? 'missing'}`);
      } else if (!order.expected.includes(row.status)) {
        wrongStatus++;
        problems.push(`order ${order.orderId} (${order.kind}) ended ${row.status}`);
      }
      // OrderPlaced (1) + one terminal event (2): anything else applied an event twice.
      if (row && row.version !== 2) {
        duplicated++;
        problems.push(`order ${order.orderId} has version ${row.version}`);
      }
    }
    for (const id of rows.keys()) {
      // A row that appeared during the drill and that no client was ever answered with.
      if (!baseline.rowIds.has(id) && !byId.has(id)) {
        duplicated++;
        problems.push(`read model has order ${id} that no client was answered with`);
      }
    }

    const stock = await this.checkStock(drillOrders, rows, baseline, problems);
    const reservationProblems = await this.checkReservations(drillOrders, rows, problems);
    const kafka = await this.checkBackbone(baseline, problems);
    const deadLetters = await this.checkDeadLetters(baseline, problems);

    return {
      accepted: drillOrders.length,
      lost,
      duplicated,
      wrongStatus,
      ...kafka,
      stock,
      reservationProblems,
      deadLetters,
      problems,
    };
  }

  /**
   * Why orders did not settle, for the failure message: each order's status in the read
   * model, and its events on Kafka (partition, offset, type, version) beside the
   * projector's checkpoint of that partition. Shows whether an event never reached Kafka,
   * reached it out of order, or was passed over by the projector; and where each saga
   * stopped (`traceSagas`).
   */
  async explainUnsettled(accepted: AcceptedOrder[], limit = 5): Promise<string> {
    const rows = await this.rows();
    const unsettled = accepted
      .filter((order) => !TERMINAL.includes(rows.get(order.orderId)?.status ?? 'PLACED'))
      .slice(0, limit);
    if (unsettled.length === 0) return 'every order settled';
    const { rows: checkpoints } = await this.pg.query<{ partition: number; next_offset: string }>(
      `SELECT partition, next_offset FROM "${this.names.postgres.schema}".checkpoints
       WHERE topic = $1 ORDER BY partition, version`,
      [this.names.kafka.topics.orderEvents.name],
    );
    const wanted = new Set(unsettled.map((order) => order.orderId));
    const events = new Map<string, string[]>();
    for (const record of await readWholeTopic(
      this.brokers,
      this.names.kafka.topics.orderEvents.name,
    )) {
      if (!record.key || !wanted.has(record.key)) continue;
      let described = 'unreadable';
      try {
        const event = JSON.parse(record.value?.toString() ?? '') as {
          type?: string;
          aggregateVersion?: number;
        };
        described = `${event.type} v${event.aggregateVersion}`;
      } catch {
        // described as unreadable
      }
      const list = events.get(record.key) ?? [];
      list.push(`p${record.partition}@${record.offset} ${described}`);
      events.set(record.key, list);
    }
    const sagas = await traceSagas(this.nc(), this.names, [...wanted]).catch((error: unknown) => [
      `saga trace failed: ${String(error)}`,
    ]);
    return [
      `checkpoints: ${checkpoints.map((c) => `p${c.partition}→${c.next_offset}`).join(' ')}`,
      ...unsettled.map(
        (order) =>
          `${order.orderId} (${rows.get(order.orderId)?.status ?? 'no row'}): ${(events.get(order.orderId) ?? ['none on Kafka']).join(', ')}`,
      ),
      ...sagas,
    ].join('\n');
  }

  private async rows(): Promise<Map<string, Row>> {
    const { rows } = await this.pg.query<Row>(
      `SELECT order_id, status, version, items FROM "${this.names.postgres.schema}".orders`,
    );
    return new Map(rows.map((row) => [row.order_id, row]));
  }

  /**
   * Never oversold, nothing double-counted, nothing stranded: for each SKU, what inventory
   * handed out during the drill (available before − after) equals the quantity in the
   * drill's orders that ended confirmed (a cancelled order's units came back, a rejected
   * one took none). Orders of earlier drills had settled before the baseline was taken.
   */
  private async checkStock(
    drillOrders: AcceptedOrder[],
    rows: Map<string, Row>,
    baseline: DrillBaseline,
    problems: string[],
  ): Promise<InvariantReport['stock']> {
    const confirmed = new Map<string, number>();
    for (const order of drillOrders) {
      const row = rows.get(order.orderId);
      if (row?.status !== 'CONFIRMED') continue;
      for (const { sku, quantity } of row.items)
        confirmed.set(sku, (confirmed.get(sku) ?? 0) + quantity);
    }
    const stock = {} as InvariantReport['stock'];
    for (const sku of Object.keys(DRILL_STOCK) as DrillSku[]) {
      const available = await this.available(sku);
      const sold = baseline.available[sku] - available;
      const confirmedQuantity = confirmed.get(sku) ?? 0;
      stock[sku] = { available, sold, confirmedQuantity };
      if (available < 0 || sold !== confirmedQuantity) {
        problems.push(
          `${sku}: available ${baseline.available[sku]} before the drill, ${available} after, ` +
            `the drill's confirmed orders hold ${confirmedQuantity}`,
        );
      }
    }
    return stock;
  }

  /** What inventory says is available (asked over NATS, as a client would); -1 if unknown. */
  private async available(sku: DrillSku): Promise<number> {
    const reply = await nestRequest<GetStockReply>(this.nc(), this.names.nats.subjects.getStock, {
      sku,
    });
    return reply.response?.found ? reply.response.available : -1;
  }

  /** Every order's reservation record matches its end: held if confirmed, given back otherwise. */
  private async checkReservations(
    accepted: AcceptedOrder[],
    rows: Map<string, Row>,
    problems: string[],
  ): Promise<number> {
    this.kv ??= await new Kvm(this.nc()).open(this.names.nats.kv.inventory.name);
    const kv = this.kv;
    let bad = 0;
    for (let start = 0; start < accepted.length; start += 100) {
      const chunk = accepted.slice(start, start + 100);
      const states = await Promise.all(
        chunk.map(async (order) => {
          const entry = await kv.get(`reservation.${order.orderId}`);
          return entry?.operation === 'PUT' ? entry.json<{ state: string }>().state : 'none';
        }),
      );
      chunk.forEach((order, index) => {
        const status = rows.get(order.orderId)?.status ?? 'PLACED';
        const state = states[index]!;
        if (!(RESERVATION_AFTER[status] ?? []).includes(state)) {
          bad++;
          problems.push(`order ${order.orderId} is ${status} but its reservation is ${state}`);
        }
      });
    }
    return bad;
  }

  /**
   * Every event id that entered JetStream `ORDERS` during the drill is on Kafka, at least
   * once; records the drill added to the topic with an event id already there are re-sends.
   */
  private async checkBackbone(
    baseline: DrillBaseline,
    problems: string[],
  ): Promise<Pick<InvariantReport, 'missingOnKafka' | 'kafkaDuplicates' | 'eventsInJetStream'>> {
    const route = this.names.bridgeRoutes[0];
    const jsm = await jetstreamManager(this.nc());
    await waitFor(
      'the bridge to have forwarded and acked everything',
      async () => {
        const info = await jsm.consumers.info(route.stream, route.durable);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    const { messages } = await readStream(this.nc(), route.stream, baseline.ordersSeq);
    const jsEventIds = new Set(messages.map((m) => m.json<{ eventId: string }>().eventId));

    const records = await readWholeTopic(this.brokers, route.topic);
    // In offset order per partition: an order's records share a key, hence a partition, so
    // a re-send always comes after the record it repeats.
    records.sort((a, b) =>
      a.partition !== b.partition
        ? a.partition - b.partition
        : Number(BigInt(a.offset) - BigInt(b.offset)),
    );
    const onKafka = new Set<string>();
    let kafkaDuplicates = 0;
    for (const record of records) {
      const eventId = record.headers[MessageHeaders.eventId];
      if (!eventId) continue; // a designed poison record
      const duringDrill =
        BigInt(record.offset) >= (baseline.orderTopicEnds.get(record.partition) ?? 0n);
      if (onKafka.has(eventId) && duringDrill) kafkaDuplicates++;
      onKafka.add(eventId);
    }
    let missingOnKafka = 0;
    for (const eventId of jsEventIds) {
      if (onKafka.has(eventId)) continue;
      missingOnKafka++;
      if (missingOnKafka <= 10) problems.push(`event ${eventId} is in JetStream, not on Kafka`);
    }
    return { missingOnKafka, kafkaDuplicates, eventsInJetStream: jsEventIds.size };
  }

  /** The dead letters added during the drill are exactly its designed failures: no more, no fewer. */
  private async checkDeadLetters(
    baseline: DrillBaseline,
    problems: string[],
  ): Promise<InvariantReport['deadLetters']> {
    const wantJs = new Set(this.designed.paymentMarkers.slice(baseline.designedFrom.payments));
    const wantKafka = new Set(this.designed.poisonKeys.slice(baseline.designedFrom.poison));
    const seenJs = new Map<string, string>();
    const seenKafka = new Set<string>();
    await waitFor(
      'the designed failures to be dead-lettered',
      async () => {
        seenJs.clear();
        const { messages } = await readStream(
          this.nc(),
          this.names.nats.streams.deadLetters.name,
          baseline.deadLetterSeq,
        );
        for (const message of messages) {
          const body = message.string();
          const marker = /"drill":"([^"]+)"/.exec(body)?.[1];
          seenJs.set(
            marker ?? `${message.subject} seq ${message.seq}: ${body.slice(0, 120)}`,
            body,
          );
        }
        seenKafka.clear();
        for (const record of await readWholeTopic(
          this.brokers,
          this.names.kafka.topics.deadLetters.name,
        )) {
          const end = baseline.deadLetterTopicEnds.get(record.partition) ?? 0n;
          if (BigInt(record.offset) < end) continue; // an earlier drill's
          seenKafka.add(record.key ?? `(no key) ${record.offset}`);
        }
        return (
          [...wantJs].every((m) => seenJs.has(m)) && [...wantKafka].every((k) => seenKafka.has(k))
        );
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    ).catch(() => undefined); // what is still missing is reported below
    const unexpected = [
      ...[...seenJs.keys()].filter((m) => !wantJs.has(m)),
      ...[...seenKafka].filter((k) => !wantKafka.has(k)),
    ];
    const missing = [
      ...[...wantJs].filter((m) => !seenJs.has(m)),
      ...[...wantKafka].filter((k) => !seenKafka.has(k)),
    ];
    for (const entry of unexpected) problems.push(`unexpected dead letter: ${entry}`);
    for (const entry of missing) problems.push(`designed failure not dead-lettered: ${entry}`);
    return { jetstream: seenJs.size, kafka: seenKafka.size, unexpected, missing };
  }
}
