/**
 * The waiting room of a consumer loop: `pause()` closes the gate and waits until the loop
 * reaches it (`park()`), `open()` lets the loop through again. Stopping opens it too, so a
 * paused loop never keeps a shutting-down process alive.
 */
export class PauseGate {
  private closed = false;
  private opened: Promise<void> = Promise.resolve();
  private letThrough: () => void = () => undefined;
  private parkedWaiters: (() => void)[] = [];
  private busy = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the gate; resolves when the loop holds no work (parked, or idle between batches). */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.opened = new Promise((resolve) => (this.letThrough = resolve));
    }
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.parkedWaiters.push(resolve));
  }

  open(): void {
    this.closed = false;
    this.letThrough();
  }

  /** The loop is taking work (a fetch or a batch): `close()` waits for `idle()`. */
  enter(): void {
    this.busy = true;
  }

  /** The loop holds no work any more. */
  idle(): void {
    this.busy = false;
    const waiters = this.parkedWaiters;
    this.parkedWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  /** Waits while the gate is closed; call with no work in hand. */
  async park(): Promise<void> {
    this.idle();
    while (this.closed) await this.opened;
  }
}
