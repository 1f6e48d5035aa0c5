import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface NatsConnectOptions {
  /** Comma-separated list is accepted, as in `NATS_URL=nats://a:4222,nats://b:4222`. */
  url: string;
  /** Shows up in the server's connection list (`/connz`): name every service. */
  name: string;
}

/**
 * Connects with the settings a long-running service wants: reconnect forever (a NATS
 * restart is routine, not fatal), and a bounded wait so a missing server fails fast
 * at start-up with a clear message instead of hanging.
 */
export async function connectNats({ url, name }: NatsConnectOptions): Promise<NatsConnection> {
  try {
    return await connect({
      servers: url.split(',').map((server) => server.trim()),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5_000,
    });
  } catch (error) {
    throw new Error(
      `Cannot connect to NATS at ${url} (${(error as Error).message}). ` +
        'Start it with `npm run brokers -- up` or set NATS_URL.',
      { cause: error },
    );
  }
}
