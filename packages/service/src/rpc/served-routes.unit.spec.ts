import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { catalog, topology } from '@switchyard/contracts';
import type { EventHandlers } from '../consumers/jetstream-consumer-host';
import { Serves, servedRoutes } from './served-routes';

const CATALOG = catalog(topology('t1'));

@Controller()
class ReserveController {
  @Serves(CATALOG.routes.reserveStock)
  reserve(): void {}
}

@Controller()
class StockController {
  @Serves(CATALOG.routes.releaseStock)
  release(): void {}

  @Serves(CATALOG.routes.getStock)
  get(): void {}
}

@Controller()
class NoHandlerController {}

@Controller()
class StrayController {
  @Serves(CATALOG.routes.releaseStock)
  release(): void {}

  @Serves(CATALOG.routes.getStock)
  get(): void {}

  // A handler for a route the catalog gives another app.
  @MessagePattern(CATALOG.routes.placeOrder.subject)
  place(): void {}
}

describe('servedRoutes', () => {
  it('given a controller for every route of the app, returns the controllers once each', () => {
    const controllers = servedRoutes(CATALOG, 'inventory', {
      reserveStock: ReserveController,
      releaseStock: StockController,
      getStock: StockController,
    });
    expect(controllers).toEqual([ReserveController, StockController]);
  });

  it('refuses a controller without a handler for its route', () => {
    expect(() =>
      servedRoutes(CATALOG, 'inventory', {
        reserveStock: NoHandlerController,
        releaseStock: StockController,
        getStock: StockController,
      }),
    ).toThrow(
      /NoHandlerController has no handler for ReserveStock \(t1\.inventory\.cmd\.reserve\)/,
    );
  });

  it('refuses a handler for a message the catalog routes to another app', () => {
    expect(() =>
      servedRoutes(CATALOG, 'inventory', {
        reserveStock: ReserveController,
        releaseStock: StrayController,
        getStock: StrayController,
      }),
    ).toThrow(
      /StrayController handles t1\.orders\.cmd\.place, which the catalog does not route to inventory/,
    );
  });

  it('refuses, at compile time, a table that leaves a route out or names another app’s', () => {
    const incomplete = { reserveStock: ReserveController, releaseStock: StockController };
    // @ts-expect-error getStock is missing: a route of the app with no handler
    const missing = () => servedRoutes(CATALOG, 'inventory', incomplete);
    expect(missing).toThrow(/GetStock has no controller in inventory/);
    const stray = () =>
      servedRoutes(CATALOG, 'inventory', {
        reserveStock: ReserveController,
        releaseStock: StockController,
        getStock: StockController,
        // @ts-expect-error placeOrder is served by orders, not inventory
        placeOrder: StrayController,
      });
    expect(stray).toThrow(/PlaceOrder is served by orders, not inventory/);
  });

  it('types event handlers from the catalog: an unrouted or missing handler does not compile', () => {
    type Saga = EventHandlers<typeof CATALOG.subscriptions.ordersSaga>;
    const ok: Saga = { OrderPlaced: (placed) => Promise.resolve(void placed.data.region) };
    // @ts-expect-error OrderConfirmed is not routed to the saga's consumer
    const stray: Saga = { OrderPlaced: ok.OrderPlaced, OrderConfirmed: ok.OrderPlaced };
    // @ts-expect-error PaymentDeclined is routed to this consumer and has no handler
    const missing: EventHandlers<typeof CATALOG.subscriptions.ordersPaymentOutcomes> = {
      PaymentSucceeded: () => Promise.resolve(),
    };
    expect([stray, missing]).toHaveLength(2);
  });
});
