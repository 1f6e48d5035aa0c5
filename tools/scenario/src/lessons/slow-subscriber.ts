import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * The subscriber's own thread. Its handler gets stuck on the first message, the way a
 * handler does on a synchronous call that does not come back (a blocking read on a hung
 * disk, a catastrophic regex, a long GC pause): the thread runs nothing else, so nothing
 * reads the socket, until the lesson releases it (`Atomics.wait` on a shared flag). After
 * that, each message costs `workMs` of CPU.
 *
 * Stuck, not just slow, and stuck from the first message: a socket that is read slowly
 * makes Linux grow its receive buffer (up to `tcp_rmem`'s maximum, 32 MiB on some
 * machines), and a burst then fits in the kernel and the server never sees a slow
 * consumer. A socket nobody reads keeps its small initial window, so the server's own
 * buffer for this client (`max_pending`) fills within a few MiB: the verdict is forced.
 *
 * It must be a thread of its own: stuck in the scenario's thread, it would stop the
 * publisher too, and nothing would pile up. Plain JavaScript, evaluated by the worker, so
 * the same code runs from the built CLI and from the tests' TypeScript.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { connect } = require(workerData.natsModule);
const released = new Int32Array(workerData.released);
const report = { received: 0, statuses: [] };
(async () => {
  const nc = await connect({ servers: workerData.url, name: 'lesson-slow-subscriber' });
  (async () => {
    for await (const status of nc.status()) report.statuses.push(status.type);
  })();
  nc.subscribe(workerData.subject, {
    callback: (error) => {
      if (error) return;
      report.received += 1;
      // Stuck until released (bounded, so a lesson that died cannot leave it stuck forever).
      if (Atomics.load(released, 0) === 0) Atomics.wait(released, 0, 0, workerData.stuckAtMostMs);
      const until = performance.now() + workerData.workMs;
      while (performance.now() < until) {} // the handler's CPU work: the socket waits
    },
  });
  await nc.flush();
  parentPort.on('message', async (command) => {
    if (command === 'report') parentPort.postMessage({ type: 'report', ...report });
    if (command === 'close') {
      await nc.close();
      parentPort.postMessage({ type: 'closed' });
    }
  });
  parentPort.postMessage({ type: 'ready' });
})().catch((error) => parentPort.postMessage({ type: 'failed', message: String(error) }));
`;

export interface SlowSubscriberReport {
  received: number;
  /** The client's connection events, in order (`disconnect`, `reconnecting`, `reconnect`…). */
  statuses: string[];
}

/**
 * A core NATS subscriber, in a thread of its own, stuck on its first message until
 * `release()`, then taking `workMs` per message.
 */
export class SlowSubscriber {
  private constructor(
    private readonly worker: Worker,
    private readonly released: Int32Array,
  ) {}

  static async start(
    url: string,
    subject: string,
    workMs: number,
    stuckAtMostMs = 300_000,
  ): Promise<SlowSubscriber> {
    const released = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: {
        url,
        subject,
        workMs,
        stuckAtMostMs,
        released: released.buffer,
        natsModule: require.resolve('@nats-io/transport-node'),
      },
    });
    const subscriber = new SlowSubscriber(worker, released);
    await subscriber.next('ready');
    return subscriber;
  }

  /** Unsticks the handler: the thread reads its socket again. */
  release(): void {
    Atomics.store(this.released, 0, 1);
    Atomics.notify(this.released, 0);
  }

  /**
   * What it received and what its client went through. Answers between two messages, so
   * only once released.
   */
  async report(): Promise<SlowSubscriberReport> {
    const answer = this.next('report');
    this.worker.postMessage('report');
    const { received, statuses } = (await answer) as SlowSubscriberReport;
    return { received, statuses };
  }

  async close(): Promise<void> {
    this.release();
    const closed = this.next('closed');
    this.worker.postMessage('close');
    await Promise.race([closed, once(this.worker, 'exit')]).catch(() => undefined);
    await this.worker.terminate();
  }

  private async next(type: string): Promise<unknown> {
    for (;;) {
      const [message] = (await once(this.worker, 'message')) as [
        { type: string; message?: string },
      ];
      if (message.type === 'failed') throw new Error(`slow subscriber: ${message.message}`);
      if (message.type === type) return message;
    }
  }
}
