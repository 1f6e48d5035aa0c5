/**
 * ### Which NATS permission refusals a test fails on, and the one a server restart causes
 *
 * A responder may answer a request only through `allow_responses`: when the server delivers
 * it a request, it lets that connection publish once to the request's reply subject (the
 * requester's inbox, `_INBOX_<user>.…`). The server keeps that grant in memory. A request
 * delivered by a server that is then restarted, and answered after the restart, reaches a
 * server that never delivered it: "Publish Violation" on the requester's inbox. That reply
 * is lost as any reply in flight during a restart would be: the requester times out and
 * retries (the drills' load counts those retries, and nothing else is lost).
 *
 * So a reply refused by a *restarted* server is reported, not failed on. Any other refusal
 * fails, and so does a refused reply on the first run of a server, before any restart: the
 * same requests flow there, so a responder answering where it has no right still shows.
 */
export interface NatsViolations {
  /** Refusals the test must fail on. */
  refused: string[];
  /** Replies to requests that a server delivered before its restart, refused after it. */
  repliesLostToRestart: string[];
}

/** A refused publish to an inbox (`_INBOX_<user>.…`, ADR 0033): a reply, by its subject. */
const REFUSED_REPLY = /Publish Violation .*Subject "_INBOX_[a-z][a-z0-9-]*\./;

/** `runs`: the "Violation" lines of each run of one server, in order (the first is before any restart). */
export function splitViolations(runs: readonly (readonly string[])[]): NatsViolations {
  const result: NatsViolations = { refused: [], repliesLostToRestart: [] };
  runs.forEach((lines, run) => {
    for (const line of lines) {
      if (run > 0 && REFUSED_REPLY.test(line)) result.repliesLostToRestart.push(line);
      else result.refused.push(line);
    }
  });
  return result;
}
