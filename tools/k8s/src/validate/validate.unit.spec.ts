import { join } from 'node:path';
import { loadCrdSchemas } from './crd-schemas';
import { valuesProblems } from './helm-values';
import { validateDocuments } from './validate-documents';

const VENDOR = join(__dirname, '..', '..', '..', '..', 'infra', 'k8s', 'vendor');
const crds = loadCrdSchemas(VENDOR);

const topic = (spec: Record<string, unknown>, apiVersion = 'kafka.strimzi.io/v1') => ({
  apiVersion,
  kind: 'KafkaTopic',
  metadata: { name: 'history', labels: { 'strimzi.io/cluster': 'switchyard' } },
  spec,
});
const deployment = (replicas: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'gateway' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'gateway' } },
    template: {
      metadata: { labels: { app: 'gateway' } },
      spec: { containers: [{ name: 'app', image: 'switchyard/gateway' }] },
    },
  },
});
const messages = async (object: object) =>
  (await validateDocuments([object], crds)).problems.map((p) => p.message);

describe('validateDocuments', () => {
  it('accepts a valid custom resource and a valid core object', async () => {
    expect(await messages(topic({ partitions: 3, replicas: 3 }))).toEqual([]);
    expect(await messages(deployment(2))).toEqual([]);
  });

  it('refuses a misspelt field in a custom resource (strict, as --validate=strict)', async () => {
    expect(await messages(topic({ partitions: 3, replica: 3 }))).toEqual([
      "/spec has unknown field 'replica'",
    ]);
  });

  it('refuses a wrong type in a custom resource', async () => {
    expect(await messages(topic({ partitions: 'three' }))).toEqual([
      '/spec/partitions must be integer',
    ]);
  });

  it('refuses a wrong type in a core object', async () => {
    const problems = await messages(deployment('two'));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(/replicas/);
  });

  it('refuses a misspelt field in a core object, at any depth', async () => {
    const object = deployment(2);
    Object.assign(object.spec.template.spec.containers[0]!, { readinesProbe: {} });
    const problems = await messages(object);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/'readinesProbe' does not exist in type 'IContainer'/);
  });

  it('refuses an API version the vendored operator no longer serves (Strimzi 1.x: v1 only)', async () => {
    expect(await messages(topic({ partitions: 3 }, 'kafka.strimzi.io/v1beta2'))).toEqual([
      'unknown type kafka.strimzi.io/v1beta2/KafkaTopic (no core model, no vendored CRD)',
    ]);
  });

  it('counts what it checked, by type', async () => {
    const { counts } = await validateDocuments([deployment(1), deployment(2), topic({})], crds);
    expect([...counts]).toEqual([
      ['apps/v1/Deployment', 2],
      ['kafka.strimzi.io/v1/KafkaTopic', 1],
    ]);
  });
});

describe('valuesProblems (Helm values against the chart defaults)', () => {
  const chart = {
    config: { cluster: { enabled: false, replicas: 3 }, merge: {} },
    container: { env: {} },
  };

  it('accepts known keys, and anything below a free-form map', () => {
    const ours = {
      config: { cluster: { enabled: true }, merge: { '00$include': 'auth.conf' } },
      container: { env: { GOMEMLIMIT: '1GiB' } },
    };
    expect(valuesProblems(ours, chart)).toEqual([]);
  });

  it('refuses a key the chart does not have, and a map where it has a value', () => {
    const ours = { config: { cluster: { enable: true, replicas: { count: 3 } } } };
    expect(valuesProblems(ours, chart)).toEqual([
      'config.cluster.enable: not a setting of the chart',
      'config.cluster.replicas: the chart expects a number, not a map',
    ]);
  });
});
