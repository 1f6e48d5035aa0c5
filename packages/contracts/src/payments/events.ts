import { z } from 'zod';
import { EnvelopeMetadataSchema } from '../envelope';

/** Wire names of payment messages: explicit constants, never class names. */
export const PaymentEventTypes = {
  PaymentRequested: 'PaymentRequested',
  PaymentSucceeded: 'PaymentSucceeded',
  PaymentDeclined: 'PaymentDeclined',
} as const;

export const PaymentRequestedV1Schema = z.object({
  orderId: z.uuid(),
  customerId: z.string().min(1),
  amountCents: z.int().positive(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
});

/**
 * A request for one order's payment, on the work queue `payments.requested`. Its
 * aggregate is the payment (id = order id): the request is version 1, the outcome 2.
 */
export const PaymentRequestedEnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(PaymentEventTypes.PaymentRequested),
  schemaVersion: z.literal(1),
  data: PaymentRequestedV1Schema,
});
export type PaymentRequested = z.infer<typeof PaymentRequestedEnvelopeSchema>;

export const PaymentSucceededEnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(PaymentEventTypes.PaymentSucceeded),
  schemaVersion: z.literal(1),
  data: z.object({ orderId: z.uuid(), paymentId: z.uuid(), amountCents: z.int().positive() }),
});

export const PaymentDeclinedEnvelopeSchema = EnvelopeMetadataSchema.extend({
  type: z.literal(PaymentEventTypes.PaymentDeclined),
  schemaVersion: z.literal(1),
  data: z.object({ orderId: z.uuid(), reason: z.string().min(1) }),
});

/** A payment's outcome, on `payments.events.<orderId>`. */
export const PaymentOutcomeSchema = z.discriminatedUnion('type', [
  PaymentSucceededEnvelopeSchema,
  PaymentDeclinedEnvelopeSchema,
]);
export type PaymentOutcome = z.infer<typeof PaymentOutcomeSchema>;
