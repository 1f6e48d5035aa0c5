/**
 * A JSON body of exactly `bytes` bytes (`{"p":"xxxx…"}`), so every side of a comparison
 * carries the same application payload. (Nest adds its own envelope around it on the
 * wire: that overhead is part of what is measured.)
 */
export function jsonPayload(bytes: number): { p: string } {
  return { p: 'x'.repeat(Math.max(0, bytes - '{"p":""}'.length)) };
}
