import type { ScenarioContext } from '../context';
import { lessonContext } from '../__tests__/lesson-context';
import { leafNode } from './leaf-node';

describe('leaf-node: an edge server keeps its own traffic when the link to the hub is slow or cut', () => {
  let context: ScenarioContext & { close(): Promise<void> };

  beforeAll(async () => {
    context = await lessonContext();
  });

  afterAll(() => context?.close());

  it('pays the link delay only for hub traffic, fails hub requests fast while cut, and recovers', async () => {
    const requests = 10;
    const delayMs = 20;
    const outcome = await leafNode.run(context, { orders: 0, downSeconds: 0, requests, delayMs });

    // Every request to the hub crossed the proxy twice (request, reply), each held delayMs.
    expect(outcome.hubDelayedP50Ms).toBeGreaterThanOrEqual(2 * delayMs);
    // The edge's own service never crossed it: not one byte went over the link meanwhile.
    expect(outcome.edgeBytesAcrossLink).toBe(0);
    expect(outcome.edgeAnsweredDuringCut).toBe(requests);
    // "No responders" is the edge's own answer: the hub's interest left with the link.
    expect(outcome.hubNoRespondersDuringCut).toBe(requests);
    // (run() resolves only once the hub answered again after the link was restored.)
  });
});
