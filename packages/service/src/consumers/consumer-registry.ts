import { Injectable } from '@nestjs/common';
import type { PausableConsumer } from '@switchyard/messaging';

export interface ConsumerControlOptions {
  /** Contracts' service name (`payments`, `bridge`…). */
  service: string;
  /** `TOPOLOGY.nats.subjects.consumerControl(service)`. */
  subject: string;
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
