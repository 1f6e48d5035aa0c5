import {
  JetStreamApiCodes,
  JetStreamApiError,
  type MsgRequest,
  type StoredMsg,
} from '@nats-io/jetstream';
import { Bucket, type KV, type KvEntry } from '@nats-io/kv';

/** A compare-and-set lost the race: the key was changed (or is being changed) by someone else. */
export class RevisionConflictError extends Error {
  constructor(
    readonly key: string,
    readonly revision: number,
  ) {
    super(`${key} has moved past revision ${revision}`);
    this.name = 'RevisionConflictError';
  }
}

/** True for every way a compare-and-set on JetStream can be lost (ours and the server's). */
export function isRevisionConflict(error: unknown): boolean {
  return (
    error instanceof RevisionConflictError ||
    (error instanceof JetStreamApiError &&
      (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
        error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown))
  );
}

/**
 * ### Compare-and-set on a KV bucket that still holds when the bucket is replicated.
 *
 * `kv.update(key, value, revision)` sends `Nats-Expected-Last-Subject-Sequence: revision`.
 * On one server the check and the write are one step. On a replicated stream (R3) nats-server
 * checks it on the leader *before* proposing the write to the replicas, against what is
 * already stored, not against writes still in flight: two writers that read the same
 * revision a millisecond apart can both be accepted, and the second silently overwrites the
 * first (nats-server#4320, "Serializability of Expected-Last-Subject-Sequence is not
 * guaranteed in clustered stream", fixed for the common case in 2.9.21; the in-flight state
 * is still dropped at a leader change, nats-server#8469). Measured on this machine's 2.9.10
 * with three nodes: 12 writers × 200 decrements of one key with `kv.update`, 1,235 of the
 * 2,400 acknowledged decrements lost. That is how the cluster drill found stock for sale that
 * had been sold.
 *
 * Duplicate detection (`Nats-Msg-Id`), unlike that check, does count writes in flight. So
 * every write here also carries `Nats-Msg-Id: <bucket>/<key>@<revision it expects>`. Two
 * writers that read the same revision send the same id: the stream stores one, and the other
 * gets a *duplicate* acknowledgement, which here means "lost the race" and is reported as a
 * conflict like the server's own. Same measurement with it: 0 lost, also with the stream
 * leader SIGKILLed in the middle. (The id only has to be unique per key and revision; the
 * bucket's duplicate window, seconds to minutes, is far longer than any write is in flight.)
 *
 * A consequence callers must know: a write whose acknowledgement was lost and that is sent
 * again *with the same revision* is a duplicate too, so it comes back as a conflict. Read the
 * key again and decide on what is there — which callers of a compare-and-set do anyway.
 *
 * Reads and deletes are the bucket's own (`kv`); only writes that expect a revision go through
 * here.
 */
export class SerialKv {
  private readonly bucket: Bucket;
  /**
   * Keys whose last revision the stream leader's lookup was seen to miss, and a sequence
   * known to hold a later revision. On nats-server 2.9.10 a leader's "last message for
   * this subject" (what `kv.get` asks, and what the leader checks the expected revision
   * against) can answer an older revision of a key than the one it stored, after a restart
   * of the cluster's nodes. Every writer then reads revision R, expects R, and sends the id
   * `<key>@R` that the write after R already used: refused as a duplicate, every time, and
   * the key frozen until the duplicate window (2 min) forgets the id, when a write from the
   * stale R is let through and the write after R is lost. The cluster drill's NATS rolling
   * restart met it: one hot SKU refused every reservation for about 100 s (ADR 0049).
   * The duplicate's acknowledgement says where the id is stored; a read that still answers
   * an older revision reads past the lookup instead (`readPastLookup`).
   */
  private readonly behind = new Map<string, number>();
  /** Keys read past the lookup since the lookup last answered right (logged once). */
  private readonly pastTheLookupBefore = new Set<string>();
  /** Keys read past the lookup: the revision found and the stream's last sequence then. */
  private readonly pastTheLookup = new Map<string, { revision: number; streamLast: number }>();

  /**
   * `logger` hears when a read goes past the leader's lookup (a server that needs upgrading,
   * worth an operator's attention), once per key each time it starts.
   */
  constructor(
    readonly kv: KV,
    private readonly options: { logger?: { warn(message: object): void } } = {},
  ) {
    // `Kvm.create`/`open` return a `Bucket`; its subject mapping is what `put` itself uses.
    if (!(kv instanceof Bucket)) throw new Error('SerialKv needs a KV bucket from @nats-io/kv');
    this.bucket = kv;
  }

  /**
   * The key's last revision. Normally the bucket's own read (the stream leader's
   * last-message-for-subject lookup); for a key that lookup was seen to miss (see
   * `behind`), read past it by sequence instead.
   */
  async get(key: string): Promise<KvEntry | null> {
    // Taken before the read: a read sent before a rival's duplicate was reported may well
    // answer an older revision, and says nothing about the lookup.
    const known = this.behind.get(key);
    const entry = await this.kv.get(key);
    if (known === undefined) return entry;
    if (entry !== null && entry.revision >= known) {
      // The lookup has caught up: back to the normal path (unless a later duplicate, reported
      // meanwhile, points further on).
      if ((this.behind.get(key) ?? 0) <= entry.revision) {
        this.behind.delete(key);
        this.pastTheLookup.delete(key);
        this.pastTheLookupBefore.delete(key);
      }
      return entry;
    }
    const past = await this.readPastLookup(key, known);
    if (past) {
      if (!this.pastTheLookupBefore.has(key)) {
        this.pastTheLookupBefore.add(key);
        this.options.logger?.warn({
          msg: 'the stream leader answered an older revision of a key than it stored (seen on nats-server 2.9.10): reading past its lookup (ADR 0049)',
          bucket: this.bucket.bucketName(),
          key,
          answered: entry?.revision ?? null,
          stored: past.revision,
        });
      }
      return past;
    }
    // Nothing stored there any more (the key purged): the lookup's answer stands.
    if (this.behind.get(key) === known) this.behind.delete(key);
    return entry;
  }

  delete(key: string, options?: { previousSeq: number }): Promise<void> {
    return this.kv.delete(key, options);
  }

  /**
   * Writes `value` only if the key's last revision is `revision`; the new revision.
   * Throws `RevisionConflictError` (or the server's wrong-last-sequence error) otherwise.
   */
  async update(key: string, value: string, revision: number): Promise<number> {
    if (revision <= 0) throw new Error(`update of ${key} needs a revision, got ${revision}`);
    return this.write(key, value, revision);
  }

  /**
   * Writes `value` only if the key has no value: never written, deleted or purged (as
   * `kv.create`). Of concurrent creators exactly one wins; the others get a conflict.
   */
  async create(key: string, value: string): Promise<number> {
    try {
      return await this.write(key, value, 0);
    } catch (error) {
      if (!isRevisionConflict(error)) throw error;
      // Deleted or purged: its marker is the revision to expect. (Created again within the
      // duplicate window, `<key>@0` is also a duplicate: the same path.)
      const entry = await this.kv.get(key);
      if (entry && entry.operation !== 'PUT') return this.write(key, value, entry.revision);
      throw error;
    }
  }

  private async write(key: string, value: string, revision: number): Promise<number> {
    const encoded = this.bucket.encodeKey(key);
    this.bucket.validateKey(encoded);
    // Read past the leader's lookup (`readPastLookup`): its stale answer would refuse the
    // subject-level check, so the whole stream's last sequence stands in for it.
    const past = this.pastTheLookup.get(key);
    const expect =
      past?.revision === revision
        ? { lastSequence: past.streamLast }
        : { lastSubjectSequence: revision };
    const ack = await this.bucket.js.publish(this.bucket.subjectForKey(encoded, true), value, {
      expect,
      msgID: `${this.bucket.bucketName()}/${key}@${revision}`,
    });
    if (ack.duplicate) {
      // `ack.seq` is the message that holds this id: a write that expected this same
      // revision. Normally a rival's, and the next read shows it; if the next read still
      // answers an older revision, the leader's lookup is behind (see `behind`).
      if (ack.seq > revision) this.behind.set(key, Math.max(ack.seq, this.behind.get(key) ?? 0));
      throw new RevisionConflictError(key, revision);
    }
    if (past?.revision === revision) {
      this.pastTheLookup.delete(key);
      this.behind.delete(key);
    }
    return ack.seq;
  }

  /**
   * The key's last revision found by sequence, from `from` (a message known to hold a
   * revision of it) on: each next message on the key's subject (`next_by_subj`, which
   * nats-server answers from each message block's own index, not from the lookup that
   * missed), up to the stream's last sequence read first. The write that follows expects
   * that stream sequence (`write`): it lands only if nothing at all was stored since, so it
   * is a compare-and-set on this key still, just a coarser one (any write to the bucket
   * makes it retry).
   */
  private async readPastLookup(key: string, from: number): Promise<KvEntry | null> {
    const subject = this.bucket.subjectForKey(this.bucket.encodeKey(key));
    const streams = this.bucket.jsm.streams;
    const streamLast = (await streams.info(this.bucket.stream)).state.last_seq;
    let last: StoredMsg | null = null;
    for (let seq = from; seq <= streamLast; seq = last.seq + 1) {
      // Typed as `seq` or `last_by_subj` by nats.js 3; the server takes `next_by_subj` too.
      const next = { seq, next_by_subj: subject } as unknown as MsgRequest;
      const found = await streams.getMessage(this.bucket.stream, next);
      if (!found || found.seq > streamLast) break;
      last = found;
    }
    if (!last) return null;
    this.pastTheLookup.set(key, { revision: last.seq, streamLast });
    return entryOf(this.bucket.bucketName(), key, last);
  }
}

/** A stored message of a KV stream as the `KvEntry` `kv.get` would have made of it. */
function entryOf(bucket: string, key: string, message: StoredMsg): KvEntry {
  const operation = message.header?.get('KV-Operation');
  return {
    bucket,
    key,
    rawKey: key,
    value: message.data,
    created: message.time,
    revision: message.seq,
    delta: 0,
    operation: operation === 'DEL' || operation === 'PURGE' ? operation : 'PUT',
    length: message.data.length,
    json: <T>() => message.json<T>(),
    string: () => message.string(),
  };
}
