import type { Measurement } from '../measurement';
import { requestReply } from './1-request-reply';
import { fanout } from './2-fanout';
import { jetstreamPublish } from './3-jetstream-publish';
import { latencyLadder } from './4-latency-ladder';
import { bridgeThroughput } from './5-bridge-throughput';
import { rebuild } from './6-rebuild';
import { httpPlacement } from './7-http';
import { memory } from './8-memory';
import { replication } from './9-replication';

/** Every measurement, in the order of issue #4. */
export const MEASUREMENTS: Measurement[] = [
  requestReply,
  fanout,
  jetstreamPublish,
  latencyLadder,
  bridgeThroughput,
  rebuild,
  httpPlacement,
  memory,
  replication,
];
