import { envelopeHeaders, TRACE_HEADERS, type EnvelopeMetadata } from '@switchyard/contracts';

/** The headers a saga request carries on: correlation and trace context of its cause. */
export function propagated(cause: EnvelopeMetadata): Record<string, string> {
  const all = envelopeHeaders(cause);
  return Object.fromEntries(
    Object.entries(all).filter(
      ([name]) =>
        name === 'sy-correlation-id' || (TRACE_HEADERS as readonly string[]).includes(name),
    ),
  );
}
