/**
 * ### Helm values checked against the chart's own defaults
 *
 * The NATS chart (2.14.2) ships no `values.schema.json`, so Helm itself would accept any
 * key and ignore a misspelt one. Its `values.yaml` lists every setting, though: a key we
 * set must exist there, with the same shape (a map where the chart has a map). Below a
 * setting the chart leaves empty (`merge: {}`, `env: {}`, `resources: {}`) anything goes:
 * those are free-form by design (they are merged into the generated objects or the config).
 */
export function valuesProblems(ours: unknown, chart: unknown, path = ''): string[] {
  if (!isMap(ours)) return [];
  if (!isMap(chart)) return [`${path || '/'}: the chart has no settings below this key`];
  if (Object.keys(chart).length === 0) return [];
  return Object.entries(ours).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    if (!(key in chart)) return [`${at}: not a setting of the chart`];
    const theirs = chart[key];
    if (isMap(value) && theirs !== null && theirs !== undefined && !isMap(theirs))
      return [`${at}: the chart expects a ${typeof theirs}, not a map`];
    if (!isMap(value) && isMap(theirs) && Object.keys(theirs).length > 0)
      return [`${at}: the chart expects a map here`];
    return isMap(theirs) ? valuesProblems(value, theirs, at) : [];
  });
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
