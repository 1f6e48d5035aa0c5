import { z } from 'zod';

/**
 * Every event travels in this envelope: on JetStream (the write side), across the
 * bridge, and for years on Kafka (the replayable log). The envelope is versioned
 * separately from the event payload: `schemaVersion` is the payload's version, so an
 * upcaster can turn an old `OrderPlaced` v1 into today's shape during a replay.
 */
export const EnvelopeMetadataSchema = z.object({
  /** Unique per event. (The JetStream `Nats-Msg-Id` is the causing command's id: a retried command is stored once.) */
  eventId: z.uuid(),
  /** Wire name of the event, e.g. `OrderPlaced`. Never a class name (renames would break consumers). */
  type: z.string().min(1),
  /** Version of the payload schema for this type. Old versions are kept forever. */
  schemaVersion: z.int().positive(),
  /** When the event happened (ISO 8601, UTC). Kafka's record timestamp is set from it. */
  occurredAt: z.iso.datetime(),
  /** The entity this event belongs to (the Kafka key: per-entity ordering). */
  aggregateId: z.string().min(1),
  /** 1 for the entity's first event, +1 for each next one: projections skip what they already applied. */
  aggregateVersion: z.int().positive(),
  /** Ties together every message caused by one user request. */
  correlationId: z.string().min(1),
  /** The message (command or event id) that directly caused this one; null for the first. */
  causationId: z.string().min(1).nullable(),
  /** Trace context (W3C `traceparent`, `tracestate`) and other propagated headers. */
  headers: z.record(z.string(), z.string()).default({}),
});

export type EnvelopeMetadata = z.infer<typeof EnvelopeMetadataSchema>;

export interface Envelope<TType extends string, TData> extends EnvelopeMetadata {
  type: TType;
  data: TData;
}

/** Header names used when an envelope crosses a transport (NATS headers, Kafka headers). */
export const MessageHeaders = {
  eventId: 'sy-event-id',
  eventType: 'sy-event-type',
  schemaVersion: 'sy-schema-version',
  occurredAt: 'sy-occurred-at',
  correlationId: 'sy-correlation-id',
  causationId: 'sy-causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** Set on dead letters: why the message could not be processed. */
  deadLetterReason: 'sy-dead-letter-reason',
  /** `<stream>:<sequence>:<subject>` (JetStream) or `<topic>:<partition>:<offset>` (Kafka). */
  deadLetterSource: 'sy-dead-letter-source',
  /** Kafka dead letters: the original record's position, one header each for tools like kcat. */
  deadLetterTopic: 'sy-dead-letter-topic',
  deadLetterPartition: 'sy-dead-letter-partition',
  deadLetterOffset: 'sy-dead-letter-offset',
  deliveryCount: 'sy-delivery-count',
  /**
   * When the gateway received the HTTP request that placed an order (ISO 8601): set by the
   * gateway on `PlaceOrder`, kept in `OrderPlaced`'s envelope `headers` (the journey's first hop).
   */
  requestedAt: 'sy-requested-at',
  /** When the bridge sent the record to Kafka (ISO 8601): the record's timestamp is `occurredAt`. */
  forwardedAt: 'sy-forwarded-at',
} as const;

/** Trace-context header names propagated end to end (W3C Trace Context). */
export const TRACE_HEADERS = [MessageHeaders.traceparent, MessageHeaders.tracestate] as const;

/**
 * A W3C `traceparent` worth carrying: `00-<trace id>-<parent id>-<flags>` in lower-case hex,
 * ids not all zeros; a later version may append fields, version `ff` is invalid. A
 * caller's header is stored with every event (envelope `headers`, Kafka headers), so an
 * edge passes on only this shape; the spec says to ignore anything else (start a new
 * trace), not to refuse the request.
 */
export const TraceparentSchema = z
  .string()
  .regex(
    /^(?:00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}|(?!00|ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}(?:-[\x21-\x7e]*)?)$/,
    'a W3C traceparent',
  );

/** A W3C `tracestate`: printable ASCII list members, at most 512 characters. */
export const TracestateSchema = z.string().regex(/^[\x20-\x7e]{0,512}$/, 'a W3C tracestate');

/**
 * The trace-context headers of an untrusted caller that are safe to carry on: a valid
 * `traceparent`, and its `tracestate` only with it (W3C: a `tracestate` without a valid
 * `traceparent` is meaningless).
 */
export function validTraceHeaders(headers: Record<string, unknown>): Record<string, string> {
  const traceparent = TraceparentSchema.safeParse(headers[MessageHeaders.traceparent]);
  if (!traceparent.success) return {};
  const tracestate = TracestateSchema.safeParse(headers[MessageHeaders.tracestate]);
  return {
    [MessageHeaders.traceparent]: traceparent.data,
    ...(tracestate.success && tracestate.data
      ? { [MessageHeaders.tracestate]: tracestate.data }
      : {}),
  };
}

/**
 * The envelope's metadata as flat transport headers, identical on NATS and Kafka, so a
 * consumer (or an operator with `kcat -f '%h'`) can route, trace and dedupe without
 * parsing the payload.
 */
export function envelopeHeaders(envelope: EnvelopeMetadata): Record<string, string> {
  const headers: Record<string, string> = {
    [MessageHeaders.eventId]: envelope.eventId,
    [MessageHeaders.eventType]: envelope.type,
    [MessageHeaders.schemaVersion]: String(envelope.schemaVersion),
    [MessageHeaders.occurredAt]: envelope.occurredAt,
    [MessageHeaders.correlationId]: envelope.correlationId,
  };
  if (envelope.causationId) headers[MessageHeaders.causationId] = envelope.causationId;
  for (const name of TRACE_HEADERS) {
    const value = envelope.headers[name];
    if (value) headers[name] = value;
  }
  return headers;
}
