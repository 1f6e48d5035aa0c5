import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { ensureKvBucket, isRevisionConflict, SerialKv } from '@switchyard/messaging';
import { JETSTREAM } from '@switchyard/service';
import { config, TOPOLOGY } from '../config';

/** What an `Idempotency-Key` stands for: the first request's order and command. */
export interface IdempotencyRecord {
  orderId: string;
  commandId: string;
  /** Hash of the first request's body: the same key with another body is refused. */
  requestHash: string;
}

export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
  }
}

export const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * ### Idempotency keys, remembered longer than JetStream's duplicate window.
 *
 * JetStream forgets a `Nats-Msg-Id` after the stream's duplicate window (2 minutes
 * here); a client may retry a POST hours later. The key → order record lives in a KV
 * bucket whose entries expire after `IDEMPOTENCY_TTL_HOURS`. `create` is atomic: of
 * concurrent requests with one key, exactly one record wins and all of them use it
 * (`SerialKv`: on a replicated bucket, `kv.create` alone could let two win).
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  private bucket!: SerialKv;

  constructor(@Inject(JETSTREAM) private readonly js: JetStreamClient) {}

  async onModuleInit(): Promise<void> {
    const kv = await ensureKvBucket(
      this.js,
      // The topology's day, unless this deployment says otherwise.
      { ...TOPOLOGY.nats.kv.idempotency, maxAgeMs: config.IDEMPOTENCY_TTL_HOURS * 3_600_000 },
      { replicas: config.JETSTREAM_REPLICAS, logger: new Logger(IdempotencyStore.name) },
    );
    this.bucket = new SerialKv(kv);
  }

  /** The record for `key`: the existing one, or `candidate` if this call created it. */
  async claim(key: string, candidate: IdempotencyRecord): Promise<IdempotencyRecord> {
    // Keys may hold any visible ASCII; KV keys may not: store under a hash.
    const entryKey = `key.${hashOf(key)}`;
    try {
      await this.bucket.create(entryKey, JSON.stringify(candidate));
      return candidate;
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
      const entry = await this.bucket.get(entryKey);
      if (!entry || entry.operation !== 'PUT')
        throw new Error('idempotency record vanished', { cause: error });
      const existing = entry.json<IdempotencyRecord>();
      if (existing.requestHash !== candidate.requestHash) throw new IdempotencyKeyReusedError();
      return existing;
    }
  }
}
