import { readFileSync } from 'node:fs';

const FALLBACK_BYTES = 32 * 1024 * 1024;

/**
 * The most one TCP connection's kernel buffers can hold: the receiving socket's buffer
 * (`tcp_rmem` maximum) plus the sending socket's (`tcp_wmem` maximum). Everything the
 * server writes to a subscriber goes there first; only once both are full does the
 * server's own buffer for it (`max_pending`) grow. Linux only; elsewhere a 32 MiB guess
 * for each.
 */
export function kernelSocketBufferBytes(): number {
  return maxOf('/proc/sys/net/ipv4/tcp_rmem') + maxOf('/proc/sys/net/ipv4/tcp_wmem');
}

/** `min default max`: the third figure. */
function maxOf(file: string): number {
  try {
    const max = Number(readFileSync(file, 'utf8').trim().split(/\s+/)[2]);
    return Number.isFinite(max) && max > 0 ? max : FALLBACK_BYTES;
  } catch {
    return FALLBACK_BYTES;
  }
}
