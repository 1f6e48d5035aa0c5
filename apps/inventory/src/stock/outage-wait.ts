import { backoff } from '@nats-io/transport-node';

/**
 * How long one stock or reservation write rides out NATS being unable to answer
 * (`StockStore.adjust`, `ReservationStore.replace`) before its error goes to the caller.
 * Below the reserve handler's `STALE_PENDING_MS` (10 s), after which another instance may
 * take the reservation over; a leader election or a node's restart takes seconds (the
 * cluster drills measure it).
 */
export const OUTAGE_WAIT_MS = 8_000;

/** `retryThroughOutage`'s waits for these writes: 100 ms up to 1 s, jittered (the default climbs to 5 s and would end the 8 s early). */
export const outageBackoff = backoff([100, 250, 500, 1_000]);
