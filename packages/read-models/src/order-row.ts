import {
  OrderEventTypes,
  type CurrentOrderEvent,
  type OrderLine,
  type OrderView,
} from '@switchyard/contracts';

/** One row of the orders read model. */
export interface OrderRow {
  orderId: string;
  customerId: string;
  region: string;
  items: OrderLine[];
  status: OrderView['status'];
  placedAt: string;
  /** The aggregate version applied last: events at or below it are duplicates. */
  version: number;
  lastEventId: string;
}

/** One projection step per event type: the row after that event. */
type RowFolds = {
  [K in CurrentOrderEvent['type']]: (
    row: OrderRow | undefined,
    event: Extract<CurrentOrderEvent, { type: K }>,
  ) => OrderRow | undefined;
};

/**
 * ### What the orders read model does with each event: its folds, keyed by event type.
 *
 * Keyed like the catalog's `handles` of the projector's and the rebuilder's subscriptions:
 * both hand this map to `KafkaConsumerHost.consume`, which refuses (at compile time) a
 * fold for an event the catalog does not route to them, or a routed event without one.
 *
 * The projection records facts, it does not judge them: the orders service decided
 * each event against the order's state, so a `OrderCancelled` after `OrderConfirmed`
 * simply cancels. What has no column here (a cancellation's reason, `confirmedAt`)
 * stays in the log, where a future read-model version can pick it up by replay.
 */
export const ORDER_ROW_FOLDS: RowFolds = {
  OrderPlaced: (_row, event) => ({
    orderId: event.data.orderId,
    customerId: event.data.customerId,
    region: event.data.region,
    // The view's lines are `{ sku, quantity }` in line-number order.
    items: [...event.data.items]
      .sort((a, b) => a.lineNo - b.lineNo)
      .map(({ sku, quantity }) => ({ sku, quantity })),
    status: 'PLACED',
    placedAt: event.occurredAt,
    version: event.aggregateVersion,
    lastEventId: event.eventId,
  }),
  // Without a row a follow-up has nothing to change: `evolveOrder` never gets here
  // with one (it holds the event until its `OrderPlaced` arrives).
  OrderConfirmed: (row, event) => row && followUp(row, event, 'CONFIRMED'),
  OrderCancelled: (row, event) => row && followUp(row, event, 'CANCELLED'),
  OrderRejected: (row, event) => row && followUp(row, event, 'REJECTED'),
};

/**
 * Pure projection step: the row after `event`, an event already upcast to its current
 * version (`decodeOrderEvent`), so each fold knows one shape. It assumes the event is
 * next in line for the row (see `placeOf` in `order-state.ts`); `evolveOrder` is the fold
 * that makes sure of it.
 *
 * Returns the row unchanged for an event it has already applied (same or lower
 * aggregate version): Kafka is at-least-once, and a bridge restarted between the Kafka
 * ack and the JetStream ack sends an event twice.
 */
export function evolveOrderRow(
  row: OrderRow | undefined,
  event: CurrentOrderEvent,
): OrderRow | undefined {
  if (row && event.aggregateVersion <= row.version) return row;
  // The map is keyed by type, so this is the fold for exactly this event's shape.
  const fold = ORDER_ROW_FOLDS[event.type] as (
    row: OrderRow | undefined,
    event: CurrentOrderEvent,
  ) => OrderRow | undefined;
  return fold(row, event);
}

/**
 * Does `event` start its order's row from nothing? True for `OrderPlaced`: it sets every
 * column, and each later event sets `status`, `version` and `lastEventId` outright. A
 * batch that holds an order's `OrderPlaced` first can therefore fold that order without
 * reading its stored row, as long as the fold holds nothing back: then the row it makes
 * is the stored one's future, or a row the upsert's version guard rejects (a duplicate
 * `OrderPlaced` redelivered after later events were stored). If the fold does hold
 * something back, that decision read the row version, so `applyOrderRecords` reads the
 * stored row after all and folds that order again.
 *
 * A new event type that reads the row it changes (a running total, say) must keep this
 * true or make this return false for the events it follows; `order-row.unit.spec.ts`
 * checks the whole batch path over every ordering of each lifecycle, with duplicates and
 * every cut into batches.
 */
export function startsOrderRow(event: CurrentOrderEvent): boolean {
  return event.type === OrderEventTypes.OrderPlaced;
}

/** A later event of a placed order: sets the status, keeps the order's data. */
function followUp(row: OrderRow, event: CurrentOrderEvent, status: OrderRow['status']): OrderRow {
  return { ...row, status, version: event.aggregateVersion, lastEventId: event.eventId };
}
