import { Injectable } from '@nestjs/common';
import type { AppName, BroadcastRouteDefinition } from '@switchyard/contracts';
import type { PausableConsumer } from '@switchyard/messaging';

export interface ConsumerControlOptions<
  R extends BroadcastRouteDefinition = BroadcastRouteDefinition,
> {
  /** The catalog's broadcast route (`CATALOG.broadcasts.consumerControl`). */
  route: R;
  /** This app: one of the route's servers (another does not compile, nor start). */
  service: R['servers'][number] & AppName;
}

export const CONSUMER_CONTROL_OPTIONS = Symbol('switchyard:consumer-control-options');

/** The consumers this instance runs; each worker registers its runners once started. */
@Injectable()
export class ConsumerRegistry {
  private readonly consumers: PausableConsumer[] = [];

  register(...consumers: PausableConsumer[]): void {
    this.consumers.push(...consumers);
  }

  all(): readonly PausableConsumer[] {
    return this.consumers;
  }
}
