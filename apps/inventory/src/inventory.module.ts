import { Module } from '@nestjs/common';
import {
  HealthModule,
  loggingModule,
  MetricsModule,
  NatsConnectionModule,
  NatsReadiness,
  servedRoutes,
} from '@switchyard/service';
import { DemoCatalogSeeder } from './catalog/demo-catalog.seeder';
import { CATALOG, config } from './config';
import { GetStockController } from './querying/get-stock.controller';
import { ReleaseStockController } from './releasing/release-stock.controller';
import { ReleaseStockHandler } from './releasing/release-stock.handler';
import { ReserveStockController } from './reserving/reserve-stock.controller';
import { ReserveStockHandler } from './reserving/reserve-stock.handler';
import { ReservationStore } from './stock/reservation-store';
import { StockChangeMetrics } from './stock/stock-change-metrics';
import { StockStore } from './stock/stock-store';

/** The inventory service: stock in JetStream KV (`INVENTORY`), changed only by compare-and-set. */
@Module({
  imports: [
    loggingModule('inventory', config),
    MetricsModule.forRoot({ service: 'inventory' }),
    NatsConnectionModule.forRoot({ settings: config, name: 'inventory' }),
    HealthModule.forChecks([NatsReadiness]),
  ],
  controllers: servedRoutes(CATALOG, 'inventory', {
    reserveStock: ReserveStockController,
    releaseStock: ReleaseStockController,
    getStock: GetStockController,
  }),
  providers: [
    StockStore,
    StockChangeMetrics,
    ReservationStore,
    ReserveStockHandler,
    ReleaseStockHandler,
    DemoCatalogSeeder,
  ],
})
export class InventoryModule {}
