import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectNats } from '@switchyard/messaging';
import type { AuthNats } from '@switchyard/testkit';

/**
 * Whether the server accepted a subscription: `'allowed'`, or the violation it answered.
 *
 * The server answers a refused SUB with `-ERR 'Permissions Violation for Subscription to
 * …'` as it processes it, before it answers the PING of the `flush()` sent after it: once
 * the flush resolved, a refusal has already reached the subscription's callback. No
 * waiting on a timer.
 */
export async function subscribeOutcome(
  nc: NatsConnection,
  subject: string,
  queue?: string,
): Promise<string> {
  let refused: string | undefined;
  const subscription = nc.subscribe(subject, {
    ...(queue !== undefined && { queue }),
    callback: (error) => {
      if (error) refused = error.message;
    },
  });
  await nc.flush();
  if (!subscription.isClosed()) subscription.unsubscribe();
  return refused ?? 'allowed';
}

/** The message of the error `action` was refused with, or `'allowed'`. */
export async function outcomeOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
    return 'allowed';
  } catch (error) {
    return (error as Error).message;
  }
}

type User = Parameters<AuthNats['settingsOf']>[0];

/**
 * The connections a suite opens on its `AuthNats`, each as one user, closed together; and
 * what a stream holds, seen by the `admin` user (a denial is checked on the stream too).
 */
export class UserConnections {
  private readonly open: NatsConnection[] = [];
  private admin: JetStreamManager | undefined;

  constructor(private readonly nats: AuthNats) {}

  /** Connects as `user`; `name` is the connection's name, the client's own say. */
  async connect(user: User, name: string = user): Promise<NatsConnection> {
    return this.track(await connectNats({ settings: this.nats.settingsOf(user), name }));
  }

  /** Closes `nc` with the others at the end. */
  track(nc: NatsConnection): NatsConnection {
    this.open.push(nc);
    return nc;
  }

  async adminManager(): Promise<JetStreamManager> {
    this.admin ??= await jetstreamManager(await this.connect('admin'));
    return this.admin;
  }

  /** Messages stored on one subject of a stream. */
  async storedOn(stream: string, subject: string): Promise<number> {
    const info = await (
      await this.adminManager()
    ).streams.info(stream, {
      subjects_filter: subject,
    });
    return info.state.subjects?.[subject] ?? 0;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.map((nc) => nc.close()));
  }
}
