import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

/** Plain record → NATS headers. */
export function toNatsHeaders(values: Record<string, string>): MsgHdrs {
  const headers = natsHeaders();
  for (const [key, value] of Object.entries(values)) headers.set(key, value);
  return headers;
}

/** NATS headers → plain record (last value wins). */
export function fromNatsHeaders(headers: MsgHdrs | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, all] of headers ?? []) {
    const last = all[all.length - 1];
    if (last !== undefined) values[key] = last;
  }
  return values;
}
