import type { StandardSchemaConversionResult } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * ### From the contracts' zod schemas to OpenAPI 3.1 schemas, never by hand
 *
 * OpenAPI 3.1's schema dialect is JSON Schema 2020-12, which zod 4 writes itself
 * (`z.toJSONSchema`). A schema named here becomes a component
 * (`#/components/schemas/<id>`) that operations and other components reference; an
 * unnamed one is written inline where it is used.
 *
 * `io` says which side of zod's parse the document describes: `input` for what a client
 * sends (before `.trim()`, defaults and other transforms run), `output` for what the
 * gateway answers. An object schema reads differently on the two sides (zod strips
 * unknown keys of input, so only its output is closed with `additionalProperties:
 * false`), so a component has one side, and using it on the other is an error here
 * rather than a document that quietly says the wrong thing.
 */
export interface ComponentMeta {
  id: string;
  io: 'input' | 'output';
}

export type SchemaObject = Record<string, unknown>;

const COMPONENT_REF = '#/components/schemas/';

export class ZodComponents {
  private readonly registry = z.registry<ComponentMeta>();
  private readonly byId = new Map<string, z.ZodType>();

  /** Names `schema` as the component `id`, described from the `io` side. */
  add(schema: z.ZodType, meta: ComponentMeta): this {
    const taken = this.byId.get(meta.id);
    if (taken && taken !== schema) throw new Error(`two schemas are named ${meta.id}`);
    this.registry.add(schema, meta);
    this.byId.set(meta.id, schema);
    return this;
  }

  /** `{ $ref }` to a named schema; throws for a schema that has no name. */
  ref(schema: z.ZodType): { $ref: string } {
    const meta = this.registry.get(schema);
    if (!meta) throw new Error('this schema is not a named component (ZodComponents.add)');
    return { $ref: `${COMPONENT_REF}${meta.id}` };
  }

  /** `#/components/schemas`: every named schema, each from its own side. */
  components(): Record<string, SchemaObject> {
    const components: Record<string, SchemaObject> = {};
    for (const [id, schema] of this.byId) {
      const meta = this.registry.get(schema)!;
      const { $defs } = this.convert(schema, meta.io);
      for (const [name, definition] of Object.entries($defs)) {
        const nested = this.byId.get(name);
        // A nested component is written from its own side only; from another side it
        // must read the same (plain strings, enums), or its one name would lie.
        if (nested && name !== id && this.registry.get(nested)!.io !== meta.io) {
          if (!this.readsTheSame(nested)) {
            throw new Error(
              `${name} (${this.registry.get(nested)!.io}) is used inside ${id} (${meta.io}) ` +
                `and reads differently there: name only one of them`,
            );
          }
          continue;
        }
        components[name] ??= definition;
      }
    }
    return sortKeys(components);
  }

  /**
   * `standardSchemaConverter` for `@nestjs/swagger`: a named schema becomes its `$ref`
   * (the component comes from `components()`), an unnamed one its inline JSON Schema.
   */
  readonly converter = (
    schema: unknown,
    { schemaType }: { schemaType: 'input' | 'output' },
  ): StandardSchemaConversionResult | undefined => {
    if (!(schema instanceof z.ZodType)) return undefined;
    const meta = this.registry.get(schema);
    if (meta) {
      if (meta.io !== schemaType && !this.readsTheSame(schema)) {
        throw new Error(`${meta.id} is an ${meta.io} component, used here as ${schemaType}`);
      }
      return { schema: this.ref(schema), components: {} };
    }
    const { root, $defs } = this.convert(schema, schemaType);
    return { schema: root, components: $defs };
  };

  /** Whether a schema is described the same as input and as output (strings, enums). */
  private readsTheSame(schema: z.ZodType): boolean {
    const sides = (['input', 'output'] as const).map((io) =>
      JSON.stringify(this.convert(schema, io)),
    );
    return sides[0] === sides[1];
  }

  /** One zod schema as JSON Schema 2020-12, with named schemas pulled out into `$defs`. */
  private convert(
    schema: z.ZodType,
    io: 'input' | 'output',
  ): { root: SchemaObject; $defs: Record<string, SchemaObject> } {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      metadata: this.registry,
      // Refinements (the string policy of `customerId`) have no JSON Schema: the schema
      // says what it can, the description says the rest.
      unrepresentable: 'any',
      override: ({ zodSchema, jsonSchema }) => {
        // The registry's own bookkeeping is not part of the schema.
        delete jsonSchema.io;
        delete jsonSchema.id;
        // What the contracts say in words (`.describe()`, zod's global registry) is.
        const description = z.globalRegistry.get(zodSchema)?.description;
        if (description) jsonSchema.description ??= description;
      },
    }) as SchemaObject & { $defs?: Record<string, SchemaObject> };
    // The document's dialect is OpenAPI 3.1's own: no per-schema `$schema`.
    delete json.$schema;
    const { $defs = {}, ...root } = json;
    return { root: rewriteRefs(root), $defs: rewriteRefs($defs) };
  }
}

/** `#/$defs/X` (zod's) → `#/components/schemas/X` (OpenAPI's). */
function rewriteRefs<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (key, inner: unknown) =>
      key === '$ref' && typeof inner === 'string'
        ? inner.replace('#/$defs/', COMPONENT_REF)
        : inner,
    ),
  ) as T;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
