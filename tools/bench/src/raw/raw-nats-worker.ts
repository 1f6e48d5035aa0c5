import { connect } from '@nats-io/transport-node';
import { NatsEnvSchema, loadConfig } from '@switchyard/config';
import { natsConnectionOptions } from '@switchyard/messaging';

/**
 * ### The bare nats.js worker: the smallest useful NATS service process.
 *
 * One connection, one queue subscription that answers every request. Its RSS is the
 * floor a Node service on NATS pays; each Switchyard service is compared with it.
 * Subject and queue come from the bench (BENCH_SUBJECT, BENCH_QUEUE).
 */
async function main(): Promise<void> {
  const subject = process.env.BENCH_SUBJECT;
  const queue = process.env.BENCH_QUEUE;
  if (!subject || !queue) throw new Error('BENCH_SUBJECT and BENCH_QUEUE are required');
  const nc = await connect(natsConnectionOptions(loadConfig(NatsEnvSchema), 'bench-bare-worker'));
  nc.subscribe(subject, {
    queue,
    callback: (error, msg) => {
      if (!error) msg.respond(JSON.stringify({ ok: true, echo: msg.json<unknown>() }));
    },
  });
  await nc.flush();
  process.stdout.write(`${JSON.stringify({ msg: 'service ready', url: nc.getServer() })}\n`);
  process.on('SIGTERM', () => void nc.drain().then(() => process.exit(0)));
}

void main();
