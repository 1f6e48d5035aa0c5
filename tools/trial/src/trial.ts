import { benchTopology } from '@switchyard/contracts';
import { uniqueNamespace } from '@switchyard/testkit';
import type { TrialEnv } from './env';
import { runTransport, type TransportResult } from './run-transport';
import { retentionMs, type Shape, type Transport } from './shape';
import { coreSession } from './transports/core';
import { jetStreamSession } from './transports/jetstream';
import { kafkaSession } from './transports/kafka';
import type { SessionContext, TransportSession } from './transports/transport';

const SESSIONS: Record<Transport, (context: SessionContext) => Promise<TransportSession>> = {
  core: coreSession,
  jetstream: jetStreamSession,
  kafka: kafkaSession,
};

/** The names of one transport's run: its own namespace, so runs never share a name. */
export function namesFor(namespace: string, transport: Transport) {
  return benchTopology(`${namespace}${transport.slice(0, 1)}`);
}

export interface TrialResult {
  shape: Shape;
  namespace: string;
  results: TransportResult[];
}

/**
 * Runs the shape on each transport in turn (one at a time, so each broker's CPU figure is
 * its own), every run in a fresh namespace whose subjects, stream, topic and groups are
 * deleted afterwards, whether the run succeeded or not.
 */
export async function runTrial(
  shape: Shape,
  env: TrialEnv,
  { drainTimeoutMs = 15_000, log = (_: string): unknown => undefined } = {},
): Promise<TrialResult> {
  const namespace = uniqueNamespace('trial');
  const results: TransportResult[] = [];
  for (const transport of shape.transports) {
    const names = namesFor(namespace, transport);
    log(`${transport}: setting up`);
    const session = await SESSIONS[transport]({
      shape,
      names,
      env,
      retentionMs: retentionMs(shape.retention),
    });
    try {
      log(`${transport}: running ${shape.duration} s`);
      results.push(await runTransport(transport, session, shape, drainTimeoutMs));
    } catch (error) {
      // Say which bus failed: a JetStream API call timing out reads the same on every bus.
      throw new Error(`${transport}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    } finally {
      await session.close();
    }
  }
  return { shape, namespace, results };
}
