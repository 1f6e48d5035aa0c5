import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/** One served version of a vendored CustomResourceDefinition, compiled. */
export interface CrdVersion {
  apiVersion: string;
  kind: string;
  /** Where the CRD came from: `<vendor dir>/<file>`. */
  source: string;
  validate: ValidateFunction;
}

interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[];
  };
}
type Schema = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  items?: Schema;
};

/**
 * ### Unknown fields are errors, as `kubectl apply --validate=strict` makes them
 *
 * A CRD's schema lists its fields but rarely says `additionalProperties: false`: the API
 * server prunes unknown fields silently instead. A misspelt field (`minInsyncReplica`)
 * would then vanish on apply, and the resource would run with the default. So every object
 * that lists its properties is closed here, unless the CRD says it keeps unknown fields
 * (`x-kubernetes-preserve-unknown-fields`, e.g. Kafka's free-form `config`).
 */
export function strict(schema: Schema): Schema {
  const closed: Schema = { ...schema };
  if (schema.properties) {
    closed.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [name, strict(child)]),
    );
    if (
      schema.additionalProperties === undefined &&
      schema['x-kubernetes-preserve-unknown-fields'] !== true
    )
      closed.additionalProperties = false;
  }
  if (schema.items) closed.items = strict(schema.items);
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null)
    closed.additionalProperties = strict(schema.additionalProperties as Schema);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) closed[key] = branches.map((b) => strict(b as Schema));
  }
  return closed;
}

/**
 * Every served version of every CRD under `vendorDir` (one folder per project and
 * version, YAML files inside). A version the CRD does not serve is left out, so a
 * manifest written against it fails as an unknown kind.
 */
export function loadCrdSchemas(vendorDir: string): Map<string, CrdVersion> {
  // Kubernetes formats (int32, int-or-string, …) and x-kubernetes-* keywords are not JSON
  // Schema's: types and structure are what is checked, not formats.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const byType = new Map<string, CrdVersion>();
  for (const folder of readdirSync(vendorDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(vendorDir, folder.name))) {
      if (!file.endsWith('.yaml')) continue;
      const source = `${folder.name}/${file}`;
      for (const document of parseAllDocuments(readFileSync(join(vendorDir, source), 'utf8'))) {
        const crd = document.toJS() as Crd | null;
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const version of crd.spec.versions) {
          if (!version.served || !version.schema) continue;
          const apiVersion = `${crd.spec.group}/${version.name}`;
          const kind = crd.spec.names.kind;
          byType.set(`${apiVersion}/${kind}`, {
            apiVersion,
            kind,
            source,
            validate: ajv.compile(strict(version.schema.openAPIV3Schema)),
          });
        }
      }
    }
  }
  return byType;
}
