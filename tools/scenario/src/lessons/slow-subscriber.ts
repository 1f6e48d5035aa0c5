import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * The subscriber's own thread. Its callback spends `workMs` of CPU on each message, the
 * way a handler that parses, enriches and writes synchronously does: while it works, the
 * thread reads nothing from its socket. That is exactly what the server sees as a slow
 * consumer. It must be a thread of its own: in the scenario's thread, that busy handler
 * would stop the publisher too, and nothing would pile up. Plain JavaScript, evaluated by
 * the worker, so the same code runs from the built CLI and from the tests' TypeScript.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { connect } = require(workerData.natsModule);
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

/** A core NATS subscriber, in a thread of its own, that takes `workMs` per message. */
export class SlowSubscriber {
  private constructor(private readonly worker: Worker) {}

  static async start(url: string, subject: string, workMs: number): Promise<SlowSubscriber> {
    const worker = new Worker(SOURCE, {
      eval: true,
      workerData: { url, subject, workMs, natsModule: require.resolve('@nats-io/transport-node') },
    });
    const subscriber = new SlowSubscriber(worker);
    await subscriber.next('ready');
    return subscriber;
  }

  /** What it received and what its client went through. Answers between two messages. */
  async report(): Promise<SlowSubscriberReport> {
    const answer = this.next('report');
    this.worker.postMessage('report');
    const { received, statuses } = (await answer) as SlowSubscriberReport;
    return { received, statuses };
  }

  async close(): Promise<void> {
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
