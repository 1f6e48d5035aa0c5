import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerFactory } from 'fastify';
import { config } from '../config';

/**
 * `requestTimeout`: a whole request (headers and body) must arrive in time, or Node answers
 * 408 and closes the socket: a client that sends one byte a second (slow loris) cannot hold a
 * connection for ever. Node checks it every `connectionsCheckingInterval` (30 s by default,
 * which would let a 10 s limit be 40 s): here at least four times per limit.
 */
const SERVER_OPTIONS = {
  requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: Math.max(100, Math.min(5_000, config.HTTP_REQUEST_TIMEOUT_MS / 4)),
};

/**
 * ### One application, two ports: public and admin
 *
 * With `ADMIN_PORT` set, the gateway listens twice with the same Fastify handler: the
 * public port (`HTTP_PORT`) and the admin port. `/admin/*` answers only on the admin
 * port (a 404 on the public one, as if it did not exist), so the admin API can be kept off
 * the internet by where the port is published (compose binds it to `127.0.0.1`), not only
 * by its token. The admin port serves everything else too, so an operator's dashboard
 * opened there works whole. One Nest application rather than two: one set of NATS
 * connections, one live-feed subscription, one `/metrics`.
 *
 * Fastify calls `serverFactory` once; with a factory it leaves the server's timeouts to us,
 * so both servers get them here.
 */
export class HttpListeners {
  private admin?: Server;
  private readonly adminSockets = new WeakSet<Socket>();

  readonly serverFactory: FastifyServerFactory = (handler) => {
    const publicServer = this.withTimeouts(createServer(SERVER_OPTIONS, handler));
    if (config.ADMIN_PORT !== undefined) {
      this.admin = this.withTimeouts(createServer(SERVER_OPTIONS, handler));
      this.admin.on('connection', (socket: Socket) => this.adminSockets.add(socket));
    }
    return publicServer;
  };

  /** True when the admin API may answer this request: it came in on the admin port, or there is one port. */
  servesAdmin(request: IncomingMessage): boolean {
    return this.admin === undefined || this.adminSockets.has(request.socket);
  }

  /** Listens on `ADMIN_PORT` (after the public port: Fastify must be ready); resolves to its URL. */
  async listenAdmin(): Promise<string | undefined> {
    const admin = this.admin;
    if (!admin) return undefined;
    await new Promise<void>((resolve, reject) => {
      admin.once('error', reject);
      // The same interfaces as the public port; which of them reach the admin port is the
      // deployment's choice (compose publishes it on 127.0.0.1 only).
      admin.listen(config.ADMIN_PORT, '0.0.0.0', () => resolve());
    });
    const address = admin.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.ADMIN_PORT}`;
  }

  /** Stops the admin port with the application (Fastify closes only the server it knows). */
  async close(): Promise<void> {
    const admin = this.admin;
    if (!admin?.listening) return;
    admin.closeIdleConnections();
    await new Promise<void>((resolve) => admin.close(() => resolve()));
  }

  /** An idle socket (no byte either way) is closed after `HTTP_CONNECTION_TIMEOUT_MS`. */
  private withTimeouts(server: Server): Server {
    server.setTimeout(config.HTTP_CONNECTION_TIMEOUT_MS);
    return server;
  }
}
