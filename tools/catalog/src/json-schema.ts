import { z } from 'zod';

/**
 * A zod schema as JSON Schema draft 07 (AsyncAPI's default schema format is a superset of
 * it), through zod 4's own `toJSONSchema`. `io: 'input'`: what the wire carries, before
 * defaults and trimming apply. Refinements (unique line numbers) cannot be expressed and are
 * left out; the code still checks them.
 */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  // The dialect is the document's (AsyncAPI Schema), not stated per message.
  delete json.$schema;
  return json;
}
