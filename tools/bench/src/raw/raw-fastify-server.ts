import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

/**
 * ### The raw Fastify twin of the gateway: `POST /orders` that answers at once.
 *
 * Same route, same JSON body parsing, same 201 + JSON reply shape, and nothing behind it:
 * the ceiling of an HTTP server in Node on this machine. Run as its own process (like the
 * gateway), so it does not share an event loop with the load generator. Prints its URL as
 * one JSON line.
 */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.post('/orders', async (_request, reply) => {
    void reply.code(201);
    return { orderId: randomUUID(), status: 'PLACED' };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ msg: 'service ready', url })}\n`);
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
