import type { ErrorObject } from 'ajv';
import { coreModel, coreProblems } from './core-schemas';
import { coreTypeProblems, type CoreObject } from './core-strict';
import type { CrdVersion } from './crd-schemas';

export interface Problem {
  /** `Kind/name` of the object, or its position when it has none. */
  object: string;
  message: string;
}

export interface Validated {
  /** How many objects of each `apiVersion/kind` were checked. */
  counts: Map<string, number>;
  problems: Problem[];
}

const ajvMessage = (e: ErrorObject): string =>
  e.keyword === 'additionalProperties'
    ? `${e.instancePath || '/'} has unknown field '${String(e.params.additionalProperty)}'`
    : `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;

/**
 * Checks every object against its schema: a vendored CRD's for custom resources,
 * `kubernetes-models`' for core kinds (its validators, then its TypeScript types for
 * unknown fields). An object whose type neither knows is a problem too (a typo in
 * `apiVersion`, or a CRD version the operator no longer serves).
 */
export async function validateDocuments(
  objects: readonly unknown[],
  crds: ReadonlyMap<string, CrdVersion>,
): Promise<Validated> {
  const counts = new Map<string, number>();
  const problems: Problem[] = [];
  const core: (CoreObject & { name: string })[] = [];
  for (const [index, value] of objects.entries()) {
    const object = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    const given = object?.metadata?.name;
    const name = `${String(object?.kind)}/${typeof given === 'string' ? given : `#${index}`}`;
    if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push({ object: name, message: 'has no apiVersion or kind' });
      continue;
    }
    const type = `${object.apiVersion}/${object.kind}`;
    counts.set(type, (counts.get(type) ?? 0) + 1);
    const crd = crds.get(type);
    if (crd) {
      if (!crd.validate(object))
        for (const error of crd.validate.errors ?? [])
          problems.push({ object: name, message: ajvMessage(error) });
      continue;
    }
    const model = await coreModel(object.apiVersion, object.kind);
    if (!model) {
      problems.push({
        object: name,
        message: `unknown type ${type} (no core model, no vendored CRD)`,
      });
      continue;
    }
    for (const message of coreProblems(model, object)) problems.push({ object: name, message });
    core.push({ index, apiVersion: object.apiVersion, kind: object.kind, value, name });
  }
  const typeProblems = coreTypeProblems(core);
  for (const { index, name } of core)
    for (const message of typeProblems.get(index) ?? []) problems.push({ object: name, message });
  return { counts, problems };
}
