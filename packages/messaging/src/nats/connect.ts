import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsConnectionOptions, redactUrl, type NatsSettings } from './connection-options';

export interface NatsConnectOptions {
  /** `NATS_URL` (comma-separated servers) and the credentials, from the environment. */
  settings: NatsSettings;
  /** Shows up in the server's connection list (`/connz`): name every service. */
  name: string;
}

/**
 * Connects with the settings a long-running service wants: reconnect forever (a NATS
 * restart is routine, not fatal), and a bounded wait so a missing server fails fast
 * at start-up with a clear message instead of hanging. The message names the server
 * without credentials: it ends up in the fatal start-up log.
 */
export async function connectNats({ settings, name }: NatsConnectOptions): Promise<NatsConnection> {
  const options = natsConnectionOptions(settings, name);
  try {
    return await connect({
      ...options,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5_000,
    });
  } catch (error) {
    throw new Error(
      `Cannot connect to NATS at ${redactUrl(settings.NATS_URL)} (${redactUrl((error as Error).message)}). ` +
        'Start it with `npm run brokers -- up` or set NATS_URL and its credentials (NATS_*).',
      { cause: error },
    );
  }
}
