import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FaultActionInfo, FaultsState } from '@switchyard/contracts';
import { findAction } from './actions';
import { authorized } from './admin-token';
import type { FaultRunner } from './fault-runner';

const ROUTE = /^\/faults(?:\/([^/?]+))?\/?(?:\?.*)?$/;

/**
 * ### The injector's HTTP face: loopback only, the admin token on every fault route
 *
 * - `GET  /healthz`        → 200 (no token: the demo waits for it)
 * - `GET  /faults`         → 200 `FaultsState`
 * - `POST /faults/:action` → 202 with the running fault; 404 for a name not offered; 409
 *   while a fault runs (one at a time); 401 without the admin token.
 *
 * Errors are RFC 9457 problem details, like the gateway's, which passes them on.
 */
export function faultServer(
  actions: readonly FaultActionInfo[],
  runner: FaultRunner,
  adminToken: string,
): Server {
  return createServer((request, response) => {
    handle(request, response, actions, runner, adminToken);
  });
}

function handle(
  request: IncomingMessage,
  response: ServerResponse,
  actions: readonly FaultActionInfo[],
  runner: FaultRunner,
  adminToken: string,
): void {
  // Nobody reads a body here: drain it so the socket can be reused.
  request.resume();
  if (request.method === 'GET' && request.url === '/healthz')
    return send(response, 200, { ok: true });
  const route = ROUTE.exec(request.url ?? '');
  if (!route) return problem(response, 404, 'Not found');
  if (!authorized(request.headers.authorization, adminToken)) {
    response.setHeader('www-authenticate', 'Bearer realm="switchyard-faults"');
    return problem(response, 401, 'Invalid admin token');
  }
  const name = route[1] === undefined ? undefined : decodeURIComponent(route[1]);
  if (name === undefined && request.method === 'GET') {
    const state: FaultsState = { available: true, actions: [...actions], ...runner.state() };
    return send(response, 200, state);
  }
  if (name === undefined || request.method !== 'POST')
    return problem(response, 405, 'Method not allowed');
  const action = findAction(actions, name);
  if (!action) {
    return problem(response, 404, 'Unknown fault', {
      detail: `Not a fault this demo offers; offered: ${actions.map((a) => a.id).join(', ') || 'none'}.`,
    });
  }
  const result = runner.start(action);
  if (!result.started) {
    return problem(response, 409, 'A fault is running', {
      detail: `"${result.running.label}" is under way (${result.running.phase}); one fault at a time.`,
    });
  }
  send(response, 202, result.running);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function problem(
  response: ServerResponse,
  status: number,
  title: string,
  extra: { detail?: string } = {},
): void {
  send(
    response,
    status,
    { type: 'about:blank', title, status, ...extra },
    'application/problem+json',
  );
}
