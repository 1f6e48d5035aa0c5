import {
  MessageHeaders,
  type JourneyHop,
  type OrderJourney,
  type ProjectedEvent,
} from '@switchyard/contracts';

/** A message as a JetStream stream stored it: its position, its time, its envelope. */
export interface StoredEvent {
  stream: string;
  subject: string;
  seq: number;
  /** When the stream stored it (the NATS server's clock). */
  storedAt: string;
  /** `Nats-Msg-Id`: the command id it was deduplicated by, when it has one. */
  msgId?: string;
  envelope: {
    eventId: string;
    type: string;
    occurredAt: string;
    correlationId: string;
    causationId: string | null;
    headers: Record<string, string>;
  };
}

/** The last write of a key-value entry (a KV bucket is a stream; its last message per key). */
export interface KvWrite {
  bucket: string;
  key: string;
  revision: number;
  writtenAt: string;
}

/** Everything the system already keeps about one order, gathered by `JourneySources`. */
export interface JourneyFacts {
  orderId: string;
  /** The `PlaceOrder` request subject (request-reply hop's detail). */
  placeOrderSubject: string;
  /** The order's events in its ORDERS subject, oldest first. */
  orderEvents: StoredEvent[];
  /** The inventory's reservation entry of the order: the saga's stock step. */
  reservation?: KvWrite;
  /** The payment's outcome on its stream: the saga's payment step. */
  payment?: StoredEvent;
  /** The live projector's journal of the order (Kafka positions, write times). */
  projected: ProjectedEvent[];
  /** The read model the projector writes, for the projection hops' details. */
  readModel: string;
  /** Jaeger's UI, when configured: the trace gets a link. */
  jaegerUiUrl?: string;
}

type Draft = Omit<JourneyHop, 'durationMs'>;

/**
 * ### An order's journey, assembled from facts the system already keeps (ADR 0046)
 *
 * Each hop says which hop it follows (`after`), and takes its duration from it: the
 * causal chain, not the previous line, since the Kafka side of `OrderPlaced` runs while
 * the saga is reserving stock. Times come from the clock of whoever recorded them (the
 * gateway, the orders service, the NATS server, the bridge, Postgres), so a hop across
 * two hosts measures their skew too; on one host it is the time the hop took.
 */
export function assembleJourney(facts: JourneyFacts): OrderJourney {
  const drafts: Draft[] = [];
  const placed = facts.orderEvents.find((event) => event.envelope.type === 'OrderPlaced');
  const jetstreamId = (type: string) => `jetstream:${type}`;

  let previous: string | null = null;
  if (placed) {
    const requestedAt = validTime(placed.envelope.headers[MessageHeaders.requestedAt]);
    if (requestedAt) {
      previous = 'http';
      drafts.push({
        id: 'http',
        kind: 'http',
        label: 'HTTP POST /orders (gateway)',
        at: requestedAt,
        after: null,
        details: { route: 'POST /orders' },
      });
    }
    drafts.push({
      id: 'request-reply',
      kind: 'request-reply',
      label: 'NATS request-reply: PlaceOrder → orders',
      at: placed.envelope.occurredAt,
      after: previous,
      details: {
        subject: facts.placeOrderSubject,
        correlationId: placed.envelope.correlationId,
      },
    });
    previous = 'request-reply';
  }

  const stockId = facts.reservation && placed ? 'saga:stock' : undefined;
  if (facts.reservation && placed) {
    drafts.push({
      id: 'saga:stock',
      kind: 'saga',
      label: 'Saga: stock reserved (inventory)',
      at: facts.reservation.writtenAt,
      after: jetstreamId('OrderPlaced'),
      details: {
        bucket: facts.reservation.bucket,
        key: facts.reservation.key,
        revision: facts.reservation.revision,
      },
    });
  }
  const paymentId = facts.payment ? 'saga:payment' : undefined;
  if (facts.payment) {
    drafts.push({
      id: 'saga:payment',
      kind: 'saga',
      label: `Saga: payment (${facts.payment.envelope.type})`,
      at: facts.payment.storedAt,
      after: stockId ?? (placed ? jetstreamId('OrderPlaced') : null),
      details: positionOf(facts.payment),
    });
  }

  for (const event of facts.orderEvents) {
    const { type, causationId } = event.envelope;
    drafts.push({
      id: jetstreamId(type),
      kind: 'jetstream',
      label: `JetStream append: ${type}`,
      at: event.storedAt,
      after:
        paymentId && causationId === facts.payment?.envelope.eventId
          ? paymentId
          : stockId && causationId === placed?.envelope.eventId && event !== placed
            ? stockId
            : previous,
      details: positionOf(event),
    });
    previous = jetstreamId(type);
  }

  for (const projected of facts.projected) {
    const appended = facts.orderEvents.some((event) => event.envelope.eventId === projected.eventId)
      ? jetstreamId(projected.type)
      : null;
    const kafkaId = `kafka:${projected.type}`;
    const position = {
      topic: projected.topic,
      partition: projected.partition,
      offset: projected.offset,
    };
    if (projected.forwardedAt) {
      drafts.push({
        id: kafkaId,
        kind: 'kafka',
        label: `Bridge → Kafka: ${projected.type}`,
        at: projected.forwardedAt,
        after: appended,
        details: position,
      });
    }
    drafts.push({
      id: `projection:${projected.type}`,
      kind: 'projection',
      label: `Projector write: ${projected.type}`,
      at: projected.projectedAt,
      after: projected.forwardedAt ? kafkaId : appended,
      details: { table: facts.readModel, ...position },
    });
  }

  const byId = new Map(drafts.map((draft) => [draft.id, draft]));
  const hops = drafts
    .map((draft): JourneyHop => {
      const after = draft.after === null ? undefined : byId.get(draft.after);
      return {
        ...draft,
        after: after ? draft.after : null,
        durationMs: after ? Date.parse(draft.at) - Date.parse(after.at) : 0,
      };
    })
    // Stable: equal times keep the causal order they were drafted in.
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const traceId = placed ? traceIdOf(placed.envelope.headers[MessageHeaders.traceparent]) : null;
  return {
    orderId: facts.orderId,
    traceId,
    traceUrl:
      traceId && facts.jaegerUiUrl
        ? `${facts.jaegerUiUrl.replace(/\/+$/, '')}/trace/${traceId}`
        : null,
    hops,
  };
}

function positionOf(event: StoredEvent): Record<string, string | number> {
  return {
    stream: event.stream,
    subject: event.subject,
    seq: event.seq,
    ...(event.msgId ? { msgId: event.msgId } : {}),
  };
}

/** `00-<trace id>-<parent id>-<flags>` → the trace id (the envelope kept a validated one). */
function traceIdOf(traceparent: string | undefined): string | null {
  const traceId = traceparent?.split('-')[1];
  return traceId && /^[0-9a-f]{32}$/.test(traceId) ? traceId : null;
}

function validTime(value: string | undefined): string | undefined {
  return value !== undefined && !Number.isNaN(Date.parse(value)) ? value : undefined;
}
