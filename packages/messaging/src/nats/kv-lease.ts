import { performance } from 'node:perf_hooks';
import type { RunnerLogger } from './pull-consumer-runner';
import { isRevisionConflict } from './serial-kv';

/**
 * The slice of a JetStream KV bucket a lease needs: a `SerialKv` (whose compare-and-set
 * holds on a replicated bucket too), or for one server `@nats-io/kv`'s `KV` itself.
 */
export interface LeaseStore {
  get(key: string): Promise<{ revision: number; operation: string; string(): string } | null>;
  /** Only if the key is absent or deleted: concurrent creators, one wins. */
  create(key: string, value: string): Promise<number>;
  /** Only if the key's last revision is `revision` (compare-and-set). */
  update(key: string, value: string, revision: number): Promise<number>;
  delete(key: string, options?: { previousSeq: number }): Promise<void>;
}

/** What a lease key holds (JSON). Informational: the revision is what the lease is about. */
export interface LeaseValue {
  holder: string;
  /** The holder's wall clock at the write, for people reading the bucket; never compared. */
  writtenAt: string;
}

export interface KvLeaseOptions {
  store: LeaseStore;
  /** One key per thing that must have a single active worker (e.g. `bridge.orders`). */
  key: string;
  /** This instance, unique per process (`host:pid:random`). */
  holder: string;
  /**
   * A standby takes the lease over once its revision has not changed for this long, by
   * the standby's own clock. The holder heartbeats every `heartbeatMs`.
   */
  ttlMs: number;
  /** Default `ttlMs / 3`: two heartbeats may fail before the holder gives up. */
  heartbeatMs?: number;
  /**
   * The holder stops `marginMs` before a standby may take over: its lease is valid for
   * `ttlMs - marginMs` after the start of its last successful heartbeat. Default `ttlMs / 3`.
   */
  marginMs?: number;
  /**
   * Called once the lease is ours; `signal` aborts when it is lost before this resolved.
   * `previous` says how the last holder left, for logs and decisions: `released` it
   * (stopped its work first; what its broker still counts as in flight may come back
   * later, so do not take this as "nothing outstanding"), let it `expire` (crashed, cut
   * off), `none`
   * (never held, or the key expired with its bucket's `max_age`), or it was `ours` (we lost
   * it by age and nobody took it).
   */
  onAcquired(signal: AbortSignal, previous: PreviousHolder): Promise<void>;
  /** Called once the lease is lost or about to be released: stop the work, finish what is in hand. */
  onLost(): Promise<void>;
  logger: RunnerLogger;
  /** A monotonic clock in ms (tests may drive it); default `performance.now`. */
  now?: () => number;
}

export type PreviousHolder = 'released' | 'expired' | 'none' | 'ours';

type State = 'standby' | 'holding' | 'stopped';

/**
 * ### One active worker among N instances: a lease in JetStream KV, by revision only.
 *
 * nats-server 2.9 has no per-key TTL (2.11 does), and two machines' wall clocks must
 * never be compared. So the lease is a key whose **revision** moves:
 *
 * - The holder rewrites the key every `heartbeatMs` with a compare-and-set on the revision
 *   it wrote last. A CAS that fails means someone took the lease: it stops at once.
 * - A standby reads the key every `heartbeatMs` and notes, on its OWN monotonic clock,
 *   when the revision last changed. When it has not changed for `ttlMs`, it takes the
 *   lease with a CAS on the revision it saw: of several standbys exactly one wins. An
 *   absent or deleted key (a released lease) is taken with `create`, at once.
 * - The holder counts its lease valid for `ttlMs - marginMs` from the START of its last
 *   successful heartbeat (`isHeld`), by its own clock, and a watchdog fires `onLost` when
 *   that runs out. A standby's TTL starts when it SAW the revision, which is after the
 *   write began: so the old holder has stopped `marginMs` before anyone can take over,
 *   whatever the clocks say, unless a single step of the holder's work outlasts that.
 *   Callers check `isHeld` right before each step that must not overlap (the bridge:
 *   before each Kafka send).
 * - `stop()` releases: the work is stopped first (heartbeats go on meanwhile), then the
 *   key is deleted with a CAS on our revision, so a standby takes over at its next read.
 */
export class KvLease {
  private state: State = 'standby';
  /** The revision we wrote last while holding. */
  private revision = 0;
  private validUntil = 0;
  /** The revision a standby saw last, and since when (our clock). */
  private seen: { revision: number; since: number } | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private active: AbortController | undefined;
  /** acquired/lost handlers run one after the other, in the order the lease changed. */
  private transitions: Promise<void> = Promise.resolve();
  private readonly heartbeatMs: number;
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(private readonly options: KvLeaseOptions) {
    this.heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
    this.marginMs = options.marginMs ?? Math.floor(options.ttlMs / 3);
    this.now = options.now ?? (() => performance.now());
    if (this.marginMs >= options.ttlMs || this.heartbeatMs >= options.ttlMs - this.marginMs) {
      throw new Error(
        `lease ${options.key}: need heartbeat (${this.heartbeatMs} ms) < ttl (${options.ttlMs} ms) - margin (${this.marginMs} ms)`,
      );
    }
  }

  /** True while this instance holds the lease and it is valid by our own clock. */
  get isHeld(): boolean {
    return this.state === 'holding' && this.now() < this.validUntil;
  }

  /** Starts contending (the first try is immediate). */
  start(): void {
    this.schedule(0);
  }

  /** Stops the work (`onLost`) if we hold the lease, then releases it; contends no more. */
  async stop(): Promise<void> {
    const held = this.state === 'holding';
    if (held) {
      // Keep heartbeating while the work finishes its batch: the lease must stay ours
      // until nothing of ours can still reach the destination.
      this.abortActive();
      this.transitions = this.transitions.then(() => this.options.onLost());
      await this.transitions;
    }
    const stillHeld = this.state === 'holding';
    this.state = 'stopped';
    clearTimeout(this.tickTimer);
    clearTimeout(this.watchdog);
    await this.ticking;
    if (!held) await this.transitions;
    if (stillHeld) {
      await this.options.store
        .delete(this.options.key, { previousSeq: this.revision })
        .then(() => this.options.logger.log(`lease ${this.options.key} released`))
        // Not released (NATS gone, or taken meanwhile): a standby takes over after the TTL.
        .catch((error: unknown) =>
          this.options.logger.warn(`lease ${this.options.key}: release failed: ${String(error)}`),
        );
    }
  }

  private schedule(delayMs: number): void {
    if (this.state === 'stopped') return;
    this.tickTimer = setTimeout(() => {
      this.ticking = this.tick().finally(() => this.schedule(this.heartbeatMs));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      if (this.state === 'holding') await this.heartbeat();
      else if (this.state === 'standby') await this.contend();
    } catch (error) {
      // NATS down or slow: a holder's lease runs out on its own (watchdog); a standby
      // simply reads again next time.
      this.options.logger.warn(`lease ${this.options.key}: ${String(error)}`);
    }
  }

  private value(): string {
    const value: LeaseValue = { holder: this.options.holder, writtenAt: new Date().toISOString() };
    return JSON.stringify(value);
  }

  private async heartbeat(): Promise<void> {
    const startedAt = this.now();
    let revision: number;
    try {
      revision = await this.options.store.update(this.options.key, this.value(), this.revision);
    } catch (error) {
      if (isRevisionConflict(error)) {
        this.lose('another instance took the lease');
        return;
      }
      throw error;
    }
    if (this.state !== 'holding') return; // lost (watchdog) while the write was in flight
    this.revision = revision;
    this.extend(startedAt);
  }

  private async contend(): Promise<void> {
    const { store, key } = this.options;
    const entry = await store.get(key);
    // Counted from AFTER the read: the revision we saw was written before that, so our
    // TTL never starts before the holder's heartbeat began.
    const seenAt = this.now();
    if (!entry || entry.operation !== 'PUT') {
      // Never held, or released: whoever creates it first holds it.
      await this.tryAcquire(entry ? 'released' : 'none', () => store.create(key, this.value()));
      return;
    }
    // Our own last write, untouched since we lost the lease by age: nobody else holds it,
    // so we may take it back at once (still a CAS: a standby may race us for it).
    const mine = entry.revision === this.revision && this.holderOf(entry) === this.options.holder;
    if (!this.seen || this.seen.revision !== entry.revision) {
      this.seen = { revision: entry.revision, since: seenAt };
      if (!mine) return;
    } else if (!mine && seenAt - this.seen.since < this.options.ttlMs) {
      return;
    }
    await this.tryAcquire(mine ? 'ours' : 'expired', () =>
      store.update(key, this.value(), entry.revision),
    );
  }

  private holderOf(entry: { string(): string }): string | undefined {
    try {
      return (JSON.parse(entry.string()) as Partial<LeaseValue>).holder;
    } catch {
      return undefined;
    }
  }

  private async tryAcquire(previous: PreviousHolder, write: () => Promise<number>): Promise<void> {
    const startedAt = this.now();
    let revision: number;
    try {
      revision = await write();
    } catch (error) {
      if (isRevisionConflict(error)) return; // another instance won the race
      throw error;
    }
    if (this.state === 'stopped') {
      // Stopped while the write was in flight: hand the key straight back.
      await this.options.store.delete(this.options.key, { previousSeq: revision });
      return;
    }
    this.revision = revision;
    this.seen = undefined;
    this.state = 'holding';
    this.extend(startedAt);
    this.options.logger.log(
      `lease ${this.options.key} acquired by ${this.options.holder} (previous holder: ${previous})`,
    );
    const active = new AbortController();
    this.active = active;
    this.transitions = this.transitions
      .then(() =>
        active.signal.aborted ? undefined : this.options.onAcquired(active.signal, previous),
      )
      .catch((error: unknown) => {
        // Could not start the work: give the lease up so another instance can try.
        this.options.logger.error(`lease ${this.options.key}: starting failed: ${String(error)}`);
        this.lose('starting the work failed');
      });
  }

  /** Valid for `ttl - margin` from the start of the write that just succeeded. */
  private extend(writeStartedAt: number): void {
    this.validUntil = writeStartedAt + this.options.ttlMs - this.marginMs;
    this.armWatchdog();
  }

  /**
   * Fires `lose` when the lease runs out, even while a heartbeat hangs. Node's timers may
   * fire a millisecond before `performance.now()` says the time has passed: re-arm then.
   */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(
      () => {
        if (this.state !== 'holding') return;
        if (this.isHeld) this.armWatchdog();
        else this.lose('lease expired by our own clock');
      },
      Math.max(0, this.validUntil - this.now()) + 1,
    );
  }

  private abortActive(): void {
    this.active?.abort();
    this.active = undefined;
  }

  private lose(why: string): void {
    if (this.state !== 'holding') return;
    this.state = 'standby';
    this.validUntil = 0;
    clearTimeout(this.watchdog);
    this.options.logger.warn(`lease ${this.options.key} lost by ${this.options.holder}: ${why}`);
    this.abortActive();
    this.transitions = this.transitions
      .then(() => this.options.onLost())
      .catch((error: unknown) =>
        this.options.logger.error(`lease ${this.options.key}: stopping failed: ${String(error)}`),
      );
  }
}
