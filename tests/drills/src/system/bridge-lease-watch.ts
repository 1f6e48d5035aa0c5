import type { ServiceProcess } from '@switchyard/testkit';

export interface BridgeState {
  /** `switchyard_bridge_lease_active{route}`: 1 on the instance that holds the route's lease. */
  active: boolean;
  /** `switchyard_bridge_forward_latency_seconds_count{route}`: events this instance forwarded. */
  forwarded: number;
}

/** Reads one bridge's lease gauge and forwarded count for `route` from its `/metrics`. */
export async function bridgeState(service: ServiceProcess, route: string): Promise<BridgeState> {
  const response = await fetch(`${service.url}/metrics`, { signal: AbortSignal.timeout(3_000) });
  const text = await response.text();
  const sample = (name: string): number | undefined => {
    const line = text
      .split('\n')
      .find(
        (candidate) => candidate.startsWith(`${name}{`) && candidate.includes(`route="${route}"`),
      );
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return {
    active: sample('switchyard_bridge_lease_active') === 1,
    forwarded: sample('switchyard_bridge_forward_latency_seconds_count') ?? 0,
  };
}
