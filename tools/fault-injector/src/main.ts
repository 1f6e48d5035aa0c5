#!/usr/bin/env node
import { loadConfig } from '@switchyard/config';
import { offeredActions } from './actions';
import { InjectorEnvSchema } from './config';
import { realEffects } from './effects';
import { FaultRunner } from './fault-runner';
import { faultServer } from './server';

/**
 * ### The no-Docker demo's fault injector (ADR 0047)
 *
 * A process of its own, started by `infra/local/demo.sh` only: the gateway cannot stop
 * Kafka or kill a process, in any environment; with `FAULT_INJECTOR_URL` it forwards the
 * page's request here, and that is all. Loopback only, the admin token, a fixed list.
 */
const env = loadConfig(InjectorEnvSchema);
const actions = offeredActions(env);
const runner = new FaultRunner(realEffects(env));
const server = faultServer(actions, runner, env.ADMIN_TOKEN);

server.listen(env.FAULTS_PORT, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.FAULTS_PORT;
  console.log(
    JSON.stringify({
      msg: 'fault injector ready',
      url: `http://127.0.0.1:${port}`,
      actions: actions.map((action) => action.id),
    }),
  );
});

// A fault under way is left as it is on exit: kafka.sh's state is on disk, and the demo's
// supervisor restarts the bridge by itself. Say so, so nobody waits for a broker.
const stop = () => {
  const { running } = runner.state();
  if (running) console.log(JSON.stringify({ msg: 'stopping during a fault', running }));
  server.close();
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
