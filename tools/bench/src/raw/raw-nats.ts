import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { natsConnectionOptions, type NatsSettings } from '@switchyard/messaging';
import { benchEnv } from '../env';

/**
 * ### The raw nats.js twin: what the same work costs with no framework in between.
 *
 * A plain connection, a queue-group subscription that answers with `msg.respond`, and
 * `nc.request`, which reuses one wildcard inbox subscription for every request.
 */
/** `settings`: the bench's own environment unless given (the trial passes its flags). */
export function connectRaw(
  name: string,
  settings: NatsSettings = benchEnv,
): Promise<NatsConnection> {
  return connect(natsConnectionOptions(settings, name));
}

/** Answers every request with its own JSON body, like the Nest echo handler does. */
export function startRawResponder(
  nc: NatsConnection,
  subject: string,
  queue: string,
): Subscription {
  return nc.subscribe(subject, {
    queue,
    callback: (error, msg) => {
      if (error) return;
      // Decode and re-encode, as a real handler would: the Nest side parses JSON too.
      msg.respond(JSON.stringify(msg.json()));
    },
  });
}

export async function rawRequest(nc: NatsConnection, subject: string, body: string): Promise<void> {
  const reply = await nc.request(subject, body, { timeout: 5_000 });
  reply.json();
}
