/**
 * ### Core Kubernetes kinds: the schemas of the `kubernetes-models` package
 *
 * `kubernetes-models` ships a validator per kind, compiled from the Kubernetes OpenAPI
 * document of the release it was generated from (infra/k8s/vendor/README.md says which).
 * It checks types, required fields and enums. It does not refuse unknown fields (the
 * OpenAPI document leaves objects open): core-strict.ts does that.
 *
 * The API groups a Switchyard manifest may use, listed: an object of any other group is
 * reported as an unknown type rather than passed unchecked. The package is ESM-only, so it
 * is loaded with import(), which this CommonJS build keeps as it is.
 */
const GROUPS = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'rbac.authorization.k8s.io/v1': () => import('kubernetes-models/rbac.authorization.k8s.io/v1'),
} satisfies Record<string, () => Promise<object>>;

type Model = { validate(): void };
type ModelClass = new (data: object) => Model;

/** The model class for a core kind, or undefined when none of the groups above has it. */
export async function coreModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const load = (GROUPS as Record<string, () => Promise<object>>)[apiVersion];
  const model = load ? ((await load()) as Record<string, unknown>)[kind] : undefined;
  return typeof model === 'function' ? (model as ModelClass) : undefined;
}

/** The problems `kubernetes-models` finds in one object ([] when it is valid). */
export function coreProblems(model: ModelClass, object: object): string[] {
  try {
    new model(object).validate();
    return [];
  } catch (error) {
    const details = (error as { errors?: { instancePath?: string; message?: string }[] }).errors;
    if (Array.isArray(details) && details.length > 0)
      return details.map((d) => `${d.instancePath || '/'} ${d.message ?? 'is invalid'}`);
    return [error instanceof Error ? error.message : String(error)];
  }
}
