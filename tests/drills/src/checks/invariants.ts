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
import { readStream } from './stream-reader';
import { readWholeTopic } from './topic-reader';

export interface InvariantReport {
  /** Orders answered 201 so far (all drills). */
  accepted: number;
  /** Accepted orders with no terminal row in the read model. */
  lost: number;
  /** Extra rows, one order id for two keys, or a row that applied an event twice. */
  duplicated: number;
  /** Rows whose status is not one the order was designed to end in. */
  wrongStatus: number;
  /** Event ids in JetStream `ORDERS` and not on Kafka. */
  missingOnKafka: number;
  /** Records on Kafka carrying an event id seen before (allowed: at-least-once). */
  kafkaDuplicates: number;
  eventsInJetStream: number;
  /** Per SKU: sold by inventory's count vs sold by the read model's confirmed orders. */
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
 * both dead-letter stores.
 */
export class InvariantChecker {
  private jsNextSeq = 1;
  private readonly jsEventIds = new Set<string>();
  private reservationsChecked = 0;
  private kv: KV | undefined;

  constructor(
    private readonly nc: () => NatsConnection,
    private readonly pg: Client,
    private readonly brokers: string[],
    private readonly names: Topology,
    private readonly designed: DesignedFailures,
  ) {}

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

  async check(accepted: AcceptedOrder[]): Promise<InvariantReport> {
    const problems: string[] = [];
    const rows = await this.settle(accepted);
    const byId = new Map<string, AcceptedOrder>();
    let duplicated = 0;
    for (const order of accepted) {
      const other = byId.get(order.orderId);
      if (other) {
        duplicated++;
        problems.push(`order ${order.orderId} answered for keys ${other.key} and ${order.key}`);
      }
      byId.set(order.orderId, order);
    }

    let lost = 0;
    let wrongStatus = 0;
    for (const order of accepted) {
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
      if (!byId.has(id)) {
        duplicated++;
        problems.push(`read model has order ${id} that no client was answered with`);
      }
    }

    const stock = await this.checkStock(rows, problems);
    const reservationProblems = await this.checkReservations(accepted, rows, problems);
    const kafka = await this.checkBackbone(problems);
    const deadLetters = await this.checkDeadLetters(problems);

    return {
      accepted: accepted.length,
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

  private async rows(): Promise<Map<string, Row>> {
    const { rows } = await this.pg.query<Row>(
      `SELECT order_id, status, version, items FROM "${this.names.postgres.schema}".orders`,
    );
    return new Map(rows.map((row) => [row.order_id, row]));
  }

  /**
   * Never oversold, nothing double-counted: for each SKU, what inventory says is gone
   * (seeded − available) equals the quantity in the read model's confirmed orders.
   */
  private async checkStock(
    rows: Map<string, Row>,
    problems: string[],
  ): Promise<InvariantReport['stock']> {
    const confirmed = new Map<string, number>();
    for (const row of rows.values()) {
      if (row.status !== 'CONFIRMED') continue;
      for (const { sku, quantity } of row.items)
        confirmed.set(sku, (confirmed.get(sku) ?? 0) + quantity);
    }
    const stock = {} as InvariantReport['stock'];
    for (const [sku, seeded] of Object.entries(DRILL_STOCK) as [DrillSku, number][]) {
      const reply = await nestRequest<GetStockReply>(this.nc(), this.names.nats.subjects.getStock, {
        sku,
      });
      const available = reply.response?.found ? reply.response.available : -1;
      const sold = seeded - available;
      const confirmedQuantity = confirmed.get(sku) ?? 0;
      stock[sku] = { available, sold, confirmedQuantity };
      if (available < 0 || sold < confirmedQuantity || sold > seeded) {
        problems.push(
          `${sku}: seeded ${seeded}, available ${available}, confirmed orders hold ${confirmedQuantity}`,
        );
      }
    }
    return stock;
  }

  /** Every order's reservation record matches its end: held if confirmed, given back otherwise. */
  private async checkReservations(
    accepted: AcceptedOrder[],
    rows: Map<string, Row>,
    problems: string[],
  ): Promise<number> {
    this.kv ??= await new Kvm(this.nc()).open(this.names.nats.kv.inventory.name);
    const kv = this.kv;
    // Only orders not checked before: older ones are covered by the stock totals.
    const fresh = accepted.slice(this.reservationsChecked);
    let bad = 0;
    for (let start = 0; start < fresh.length; start += 100) {
      const chunk = fresh.slice(start, start + 100);
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
    this.reservationsChecked = accepted.length;
    return bad;
  }

  /** Every event id accepted into JetStream `ORDERS` is on Kafka, at least once. */
  private async checkBackbone(
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
    const { messages, nextSeq } = await readStream(this.nc(), route.stream, this.jsNextSeq);
    for (const message of messages) {
      this.jsEventIds.add(message.json<{ eventId: string }>().eventId);
    }
    this.jsNextSeq = nextSeq;

    const records = await readWholeTopic(this.brokers, route.topic);
    const onKafka = new Set<string>();
    let kafkaDuplicates = 0;
    for (const record of records) {
      const eventId = record.headers[MessageHeaders.eventId];
      if (!eventId) continue; // a designed poison record
      if (onKafka.has(eventId)) kafkaDuplicates++;
      onKafka.add(eventId);
    }
    let missingOnKafka = 0;
    for (const eventId of this.jsEventIds) {
      if (onKafka.has(eventId)) continue;
      missingOnKafka++;
      if (missingOnKafka <= 10) problems.push(`event ${eventId} is in JetStream, not on Kafka`);
    }
    return { missingOnKafka, kafkaDuplicates, eventsInJetStream: this.jsEventIds.size };
  }

  /** The dead letters hold exactly the designed failures: no more, no fewer. */
  private async checkDeadLetters(problems: string[]): Promise<InvariantReport['deadLetters']> {
    const wantJs = new Set(this.designed.paymentMarkers);
    const wantKafka = new Set(this.designed.poisonKeys);
    const seenJs = new Map<string, string>();
    const seenKafka = new Set<string>();
    await waitFor(
      'the designed failures to be dead-lettered',
      async () => {
        seenJs.clear();
        const { messages } = await readStream(this.nc(), this.names.nats.streams.deadLetters.name);
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
