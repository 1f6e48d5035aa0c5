import type { OrderRow } from '../order-row';
import type { LoggedEvent } from '../order-state';
import type { OrderTables, ParkedEvent } from '../order-tables';

/**
 * `OrderTables` in memory, with the semantics of `PgOrderTables` that the batch relies on:
 * the upsert's version guard, and a held version keeping its first copy. It also records
 * what the batch asked for, so a spec can check which lookups it skipped.
 */
export class MemoryOrderTables implements OrderTables {
  readonly stored = new Map<string, OrderRow>();
  readonly held = new Map<string, ParkedEvent>();
  readonly rowLookups: string[][] = [];
  readonly parkedLookups: string[][] = [];
  readonly upserts: OrderRow[][] = [];

  rows(orderIds: string[]): Promise<OrderRow[]> {
    this.rowLookups.push(orderIds);
    return Promise.resolve(orderIds.flatMap((id) => this.stored.get(id) ?? []));
  }

  parked(orderIds: string[]): Promise<LoggedEvent[]> {
    this.parkedLookups.push(orderIds);
    return Promise.resolve(
      [...this.held.values()].filter((one) => orderIds.includes(one.event.aggregateId)),
    );
  }

  upsert(rows: OrderRow[]): Promise<number> {
    this.upserts.push(rows);
    let written = 0;
    for (const row of rows) {
      const stored = this.stored.get(row.orderId);
      if (stored && stored.version >= row.version) continue;
      this.stored.set(row.orderId, row);
      written += 1;
    }
    return Promise.resolve(written);
  }

  park(events: ParkedEvent[]): Promise<void> {
    for (const one of events) {
      const key = MemoryOrderTables.key(one);
      if (!this.held.has(key)) this.held.set(key, one);
    }
    return Promise.resolve();
  }

  unpark(events: LoggedEvent[]): Promise<void> {
    for (const one of events) this.held.delete(MemoryOrderTables.key(one));
    return Promise.resolve();
  }

  parkedCount(topic: string, partition: number): Promise<number> {
    return Promise.resolve(
      [...this.held.values()].filter((one) => one.topic === topic && one.partition === partition)
        .length,
    );
  }

  private static key({ event }: LoggedEvent): string {
    return `${event.aggregateId}@${event.aggregateVersion}`;
  }
}
