import { Module } from '@nestjs/common';
import {
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  NatsReadiness,
} from '@switchyard/service';
import { DemoCatalogSeeder } from './catalog/demo-catalog.seeder';
import { config } from './config';
import { GetStockController } from './querying/get-stock.controller';
import { ReleaseStockController } from './releasing/release-stock.controller';
import { ReleaseStockHandler } from './releasing/release-stock.handler';
import { ReserveStockController } from './reserving/reserve-stock.controller';
import { ReserveStockHandler } from './reserving/reserve-stock.handler';
import { ReservationStore } from './stock/reservation-store';
import { StockStore } from './stock/stock-store';

/**
 * The inventory service: stock levels in JetStream KV, changed only by compare-and-set.
 *
 * Handles (NATS request-reply, queue group `inventory`):
 * - `ReserveStock` → all lines of an order or none; idempotent per order.
 * - `ReleaseStock` → gives an order's stock back, once.
 * - `GetStock`     → units available for a SKU.
 *
 * Owns: the `INVENTORY` KV bucket. Ready when: NATS answers.
 */
@Module({
  imports: [
    loggingModule('inventory', config),
    MetricsModule.forRoot({ service: 'inventory' }),
    NatsConnectionModule.forRoot({ url: config.NATS_URL, name: 'inventory' }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  controllers: [ReserveStockController, ReleaseStockController, GetStockController],
  providers: [
    StockStore,
    ReservationStore,
    ReserveStockHandler,
    ReleaseStockHandler,
    DemoCatalogSeeder,
  ],
})
export class InventoryModule {}
