import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceProcess } from '@switchyard/testkit';

export interface ReadinessTrace {
  /** Did `/readyz` answer 503 at least once between the signal and the exit? */
  sawUnready: boolean;
  /** Every answer, in order (`refused` once the listener is closed). */
  answers: (number | 'refused')[];
}

/**
 * Polls `/readyz` as fast as it answers from the moment a signal is sent until the
 * process exits. A service shutting down gracefully must turn unready (503) first, so
 * a load balancer stops sending it work before it stops listening.
 */
export async function watchReadiness(service: ServiceProcess): Promise<ReadinessTrace> {
  const answers: ReadinessTrace['answers'] = [];
  let exited = false;
  service.child.once('exit', () => (exited = true));
  while (!exited && service.child.exitCode === null && service.child.signalCode === null) {
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(3_000) });
      await response.body?.cancel();
      answers.push(response.status);
    } catch {
      answers.push('refused');
      await sleep(5); // the pace of the poll, not a wait for something to happen
    }
  }
  return { sawUnready: answers.includes(503), answers };
}
