import { setTimeout as sleep } from 'node:timers/promises';
import { planOrder, type PlannedOrder } from './order-mix';

/** One logical order: one `Idempotency-Key`, however many HTTP attempts it took. */
export interface AcceptedOrder extends PlannedOrder {
  key: string;
  orderId: string;
  attempts: number;
  acceptedAt: number;
}

/** One HTTP attempt, kept to judge the fast path during a window (e.g. Kafka down). */
export interface Attempt {
  at: number;
  /** How long the attempt took, until its answer (or its error). */
  ms: number;
  status: number | 'network-error';
}

export interface LoadOptions {
  gatewayUrl: () => string;
  /** Prefix of every Idempotency-Key (the namespace: keys of two runs never meet). */
  keyPrefix: string;
  ratePerSecond: number;
  /** Stop starting new orders while this many are still unanswered. */
  maxInFlight?: number;
}

const RETRYABLE = new Set([502, 503, 504]);

/**
 * ### A steady stream of orders through the HTTP API, retried the way a client should.
 *
 * Every order gets its own `Idempotency-Key`. A 503 (no responders: orders restarting,
 * NATS down), a 504 (an answer lost with a killed instance: "maybe stored") or a refused
 * connection (the gateway restarting) is retried with the same key until it is 201. So
 * every logical order ends in exactly one order id, and the drills can check that the
 * system never loses one it accepted nor creates a second one for a retry.
 *
 * Anything else (400, 422, 500) is a bug and is kept in `unexpected`.
 */
export class OrderLoad {
  readonly accepted: AcceptedOrder[] = [];
  readonly attempts: Attempt[] = [];
  readonly unexpected: string[] = [];
  private next = 0;
  private inFlight = new Set<Promise<void>>();
  private running = false;
  private ticker: Promise<void> | undefined;

  constructor(private readonly options: LoadOptions) {}

  /** Starts (or resumes) placing orders at the configured rate. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.ticker = this.tick();
  }

  /** Stops starting orders and waits until every order in flight was answered 201. */
  async pause(): Promise<void> {
    this.running = false;
    await this.ticker;
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  get started(): number {
    return this.next;
  }

  private async tick(): Promise<void> {
    const { ratePerSecond, maxInFlight = 400 } = this.options;
    const interval = 1_000 / ratePerSecond;
    let due = Date.now();
    while (this.running) {
      if (this.inFlight.size < maxInFlight) {
        const n = this.next++;
        const task = this.place(n).finally(() => this.inFlight.delete(task));
        this.inFlight.add(task);
      }
      due += interval;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      else due = Date.now(); // behind (a slow event loop): do not burst to catch up
    }
  }

  private async place(n: number): Promise<void> {
    const plan = planOrder(n);
    const key = `${this.options.keyPrefix}-${n}`;
    for (let attempt = 1; ; attempt++) {
      const status = await this.post(plan, key);
      if (typeof status === 'object') {
        this.accepted.push({
          ...plan,
          key,
          orderId: status.orderId,
          attempts: attempt,
          acceptedAt: Date.now(),
        });
        return;
      }
      if (status !== 'network-error' && !RETRYABLE.has(status)) {
        this.unexpected.push(`${key}: HTTP ${status}`);
        return;
      }
      // Back off a little, then retry with the same key: the same order comes back.
      await sleep(Math.min(2_000, 100 * attempt));
    }
  }

  private async post(
    plan: PlannedOrder,
    key: string,
  ): Promise<{ orderId: string } | number | 'network-error'> {
    const at = Date.now();
    try {
      const response = await fetch(`${this.options.gatewayUrl()}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(plan.body),
        signal: AbortSignal.timeout(15_000),
      });
      this.attempts.push({ at, ms: Date.now() - at, status: response.status });
      if (response.status !== 201) {
        await response.body?.cancel();
        return response.status;
      }
      const { orderId } = (await response.json()) as { orderId: string };
      return { orderId };
    } catch {
      this.attempts.push({ at, ms: Date.now() - at, status: 'network-error' });
      return 'network-error';
    }
  }
}
