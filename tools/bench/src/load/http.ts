import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

/**
 * A keep-alive HTTP client for open-loop load: up to 256 sockets, so a slow response
 * never holds back the next intended send (an open loop must not wait for a free
 * connection, or the stall is hidden again).
 */
export function httpPoster(url: string, body: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 201 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

/**
 * Closed-loop saturation with autocannon: as many requests as `connections` keep-alive
 * connections can carry. This is the "how many per second at most" figure; its latency is
 * not reported (a closed loop at saturation measures queueing in the client).
 */
export async function saturate(url: string, body: string, seconds: number, connections = 16) {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  return { requestsPerSec: result.requests.average, non2xx: result.non2xx, errors: result.errors };
}
