import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { config } from '../config';
import { StockStore } from '../stock/stock-store';
import { DEMO_CATALOG } from './demo-catalog';

/** Loads the demo catalog's stock once (see `INVENTORY_SEED_DEMO_CATALOG`). */
@Injectable()
export class DemoCatalogSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoCatalogSeeder.name);

  constructor(private readonly stock: StockStore) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!config.INVENTORY_SEED_DEMO_CATALOG) return;
    const seeded: string[] = [];
    for (const item of DEMO_CATALOG) {
      if (await this.stock.seed(item.sku, { available: item.stock, priceCents: item.priceCents })) {
        seeded.push(item.sku);
      }
    }
    if (seeded.length) this.logger.log({ msg: 'demo catalog stock loaded', skus: seeded });
  }
}
