import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { PaymentOutcomeSchema, type PaymentOutcome } from '@switchyard/contracts';
import { ensureKvBucket, isRevisionConflict, SerialKv } from '@switchyard/messaging';
import { JETSTREAM } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';

/**
 * The first decision for an order, kept in KV (`payment.<orderId>`). A redelivered or
 * redriven request must not be charged or decided twice: whoever creates the key first
 * decides; everyone after that republishes the stored outcome. (`SerialKv`: on a
 * replicated bucket `kv.create` alone could let two instances decide, one charged and one
 * declined.)
 */
@Injectable()
export class PaymentOutcomeStore implements OnModuleInit {
  private bucket!: SerialKv;

  constructor(@Inject(JETSTREAM) private readonly js: JetStreamClient) {}

  async onModuleInit(): Promise<void> {
    const kv = await ensureKvBucket(this.js, TOPOLOGY.nats.kv.payments, {
      replicas: config.JETSTREAM_REPLICAS,
      logger: new Logger(PaymentOutcomeStore.name),
    });
    this.bucket = new SerialKv(kv);
  }

  async find(orderId: string): Promise<PaymentOutcome | undefined> {
    const entry = await this.bucket.get(`payment.${orderId}`);
    return entry?.operation === 'PUT' ? PaymentOutcomeSchema.parse(entry.json()) : undefined;
  }

  /** Stores `outcome` unless one exists; returns the one that is stored now. */
  async decideOnce(outcome: PaymentOutcome): Promise<PaymentOutcome> {
    try {
      await this.bucket.create(`payment.${outcome.data.orderId}`, JSON.stringify(outcome));
      return outcome;
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
      const stored = await this.find(outcome.data.orderId);
      if (!stored)
        throw new Error(`payment ${outcome.data.orderId} exists and vanished`, { cause: error });
      return stored;
    }
  }
}
