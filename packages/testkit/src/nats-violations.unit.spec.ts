import { splitViolations } from './nats-violations';

// Lines as nats-server 2.9 writes them (from a fault-drill run under NATS users, 2026-12-03).
const replyToOrders =
  '[13574] 2026/12/03 07:53:09.162549 [ERR] 127.0.0.1:38792 - cid:54 - "v3.4.0:nats.js:inventory-rpc" - Publish Violation - Nkey "UDYIO", Subject "_INBOX_orders.v0NCSibsevIyKwE01dvnac.v0NCSibsevIyKwE01dw7lT"';
const replyToGateway =
  '[13574] 2026/12/03 07:53:09.218516 [ERR] 127.0.0.1:38800 - cid:56 - "v3.4.0:nats.js:orders-rpc" - Publish Violation - Nkey "UANV4", Subject "_INBOX_gateway.p2XzpXVn0lDMEUtqxQlAwA.p2XzpXVn0lDMEUtqxQndeE"';
const forgedOutcome =
  '[13574] 2026/12/03 07:53:10.000000 [ERR] 127.0.0.1:38801 - cid:57 - "v3.4.0:nats.js:gateway" - Publish Violation - Nkey "UAAAA", Subject "d1.payments.events.approved"';
const foreignInbox =
  '[13574] 2026/12/03 07:53:10.000000 [ERR] 127.0.0.1:38802 - cid:58 - "v3.4.0:nats.js:gateway" - Subscription Violation - Nkey "UAAAA", Subject "_INBOX_orders.>"';

describe('splitViolations: which refusals fail a test', () => {
  it('given no refusal on any run, then nothing to report', () => {
    expect(splitViolations([[], []])).toEqual({ refused: [], repliesLostToRestart: [] });
  });

  it('given replies refused by a restarted server, then they are reported, not failed on', () => {
    expect(splitViolations([[], [replyToOrders, replyToGateway]])).toEqual({
      refused: [],
      repliesLostToRestart: [replyToOrders, replyToGateway],
    });
  });

  it('given a refused reply before any restart, then it fails: no restart explains it', () => {
    expect(splitViolations([[replyToOrders]]).refused).toEqual([replyToOrders]);
  });

  it('given any other refusal after a restart, then it fails', () => {
    expect(splitViolations([[], [forgedOutcome, foreignInbox, replyToOrders]])).toEqual({
      refused: [forgedOutcome, foreignInbox],
      repliesLostToRestart: [replyToOrders],
    });
  });
});
