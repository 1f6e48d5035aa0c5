import { Injectable } from '@nestjs/common';
import {
  FaultsStateSchema,
  ProblemDetailsSchema,
  RunningFaultSchema,
  type FaultAction,
  type FaultsState,
  type ProblemDetails,
  type RunningFault,
} from '@switchyard/contracts';
import { config } from '../config';
import { problem } from '../http/problem-details';

const TIMEOUT_MS = 2_000;

/** Why there are no faults here, for the page (`GET /admin/faults` with `available: false`). */
export const NO_INJECTOR =
  'No fault injector: only the no-Docker demo (npm run demo) starts one. With Docker ' +
  'Compose or Kubernetes, break things from a terminal (docker compose stop kafka).';

const unavailable = (reason: string): FaultsState => ({
  available: false,
  reason,
  actions: [],
  running: null,
  last: null,
});

/** `start()`'s answer: the fault under way, or the problem to answer with. */
export type StartAnswer =
  { ok: true; running: RunningFault } | { ok: false; problem: ProblemDetails };

/**
 * ### The gateway's only link to faults: HTTP to the demo's injector, on loopback
 *
 * The gateway kills nothing and runs no script: it forwards an action name from the
 * contracts' closed list to `FAULT_INJECTOR_URL`, with the admin token (the injector checks
 * it again), and passes the answer on. Without that URL there is nothing to forward to.
 */
@Injectable()
export class FaultInjectorClient {
  private readonly base = config.FAULT_INJECTOR_URL?.replace(/\/$/, '');

  async state(): Promise<FaultsState> {
    if (this.base === undefined) return unavailable(NO_INJECTOR);
    try {
      const response = await this.call('GET', '/faults');
      if (!response.ok) return unavailable(`The fault injector answered ${response.status}.`);
      return FaultsStateSchema.parse(await response.json());
    } catch {
      return unavailable(
        `The fault injector does not answer at ${this.base}: is the demo running?`,
      );
    }
  }

  async start(action: FaultAction): Promise<StartAnswer> {
    if (this.base === undefined) {
      return { ok: false, problem: problem(404, 'Faults unavailable', { detail: NO_INJECTOR }) };
    }
    let response: Response;
    try {
      response = await this.call('POST', `/faults/${action}`);
    } catch {
      return {
        ok: false,
        problem: problem(503, 'Fault injector unreachable', {
          detail: `No answer from ${this.base} within ${TIMEOUT_MS} ms.`,
        }),
      };
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) return { ok: true, running: RunningFaultSchema.parse(body) };
    // 404 (not offered here), 409 (one runs): the injector's own words. A 401 would mean
    // the two were given different tokens: the operator's token was right (the guard let
    // the request in), so it is the gateway's problem, a 502.
    const parsed = ProblemDetailsSchema.safeParse(body);
    if (response.status !== 401 && parsed.success) return { ok: false, problem: parsed.data };
    return {
      ok: false,
      problem: problem(502, 'Fault injector refused the gateway', {
        detail: `It answered ${response.status}: do the gateway and the injector share ADMIN_TOKEN?`,
      }),
    };
  }

  private call(method: 'GET' | 'POST', path: string): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${config.ADMIN_TOKEN ?? ''}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  }
}
