import { Injectable } from '@nestjs/common';
import { METRIC_PREFIX } from '@switchyard/service';
import { Counter, Registry } from 'prom-client';

/**
 * Changes made again that could not be told apart any more and were left out (units
 * stranded: under-selling). Zero in normal running; a count here means retries came after
 * more changes to a SKU than its key remembers (`INVENTORY_STOCK_CHANGES_KEPT`): raise it,
 * or count the SKU by hand (ADR 0032).
 */
@Injectable()
export class StockChangeMetrics {
  private readonly leftOutUnits: Counter<'change'>;

  constructor(registry: Registry) {
    this.leftOutUnits = new Counter({
      name: `${METRIC_PREFIX}inventory_stock_changes_left_out_units_total`,
      help: 'Units of stock changes made again whose first attempt could not be told apart any more, left out on the side of under-selling (ADR 0032).',
      labelNames: ['change'],
      registers: [registry],
    });
  }

  leftOut(delta: number): void {
    this.leftOutUnits.inc({ change: delta < 0 ? 'take' : 'give-back' }, Math.abs(delta));
  }
}
