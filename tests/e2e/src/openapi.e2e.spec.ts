import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import {
  adminHeaders,
  PREDICTABLE_PAYMENTS,
  repoRoot,
  TestNamespace,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testkit';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface Operation {
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema: object }> }
  >;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

const committedText = readFileSync(join(repoRoot, 'docs', 'api', 'openapi.json'), 'utf8');
const committed = JSON.parse(committedText) as Document;

/**
 * JSON Schema 2020-12 is OpenAPI 3.1's dialect: ajv checks the real answers against the
 * schemas the document names, with its components beside them so their `$ref`s resolve.
 */
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const compiled = new Map<object, ValidateFunction>();
const validatorFor = (schema: object) => {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile({ ...schema, components: committed.components });
    compiled.set(schema, validate);
  }
  return validate;
};

/**
 * The answer is one the document describes for this operation: its status is listed, its
 * content type is the documented one, its body validates against the documented schema,
 * and each documented header is there. Returns the body.
 */
async function expectDocumented(response: Response, method: string, path: string) {
  const operation = committed.paths[path]?.[method];
  const documented = operation?.responses[String(response.status)];
  expect({ method, path, status: response.status, documented: documented !== undefined }).toEqual({
    method,
    path,
    status: response.status,
    documented: true,
  });
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!;
  const media = documented!.content?.[type];
  expect({
    status: response.status,
    type,
    documentedTypes: Object.keys(documented!.content ?? {}),
  }).toEqual({
    status: response.status,
    type,
    documentedTypes: expect.arrayContaining([type]),
  });
  const body: unknown = await response.json();
  const validate = validatorFor(media!.schema);
  expect({ body, errors: validate(body) ? null : validate.errors }).toEqual({ body, errors: null });
  for (const header of Object.keys(documented!.headers ?? {})) {
    expect({ header, value: response.headers.get(header) }).toEqual({
      header,
      value: expect.any(String),
    });
  }
  return body;
}

/**
 * ### The OpenAPI document is the gateway's real contract
 *
 * The whole system runs; the gateway serves its document at `/docs/openapi.json` (equal to
 * the committed one, and valid), its UI at `/docs` from its own files, and what it answers
 * (a 201, a 400 with field errors, a 404, the projected order, the dashboard's panels, the
 * probes) validates against the schemas the document names for that status.
 */
describe('the OpenAPI document against the running gateway', () => {
  const suite = new TestNamespace('o', PREDICTABLE_PAYMENTS, { natsAuth: true });
  const timeoutMs = 90_000;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    await Promise.all(
      ['orders', 'inventory', 'payments', 'bridge', 'projector'].map((app) =>
        suite.startOne({ app, timeoutMs }),
      ),
    );
    gateway = await suite.startOne({ app: 'gateway', timeoutMs });
  });

  afterAll(async () => {
    await suite.close();
  });

  it('serves the committed document at /docs/openapi.json, and it is valid OpenAPI 3.1', async () => {
    const response = await fetch(`${gateway.url}/docs/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await response.json()) as object;
    expect(served).toEqual(committed);
    const result = await validateOpenApi(structuredClone(served) as never);
    expect(result).toMatchObject({ valid: true, warnings: [] });
  });

  it('serves the UI at /docs from its own files: nothing from another host', async () => {
    const response = await fetch(`${gateway.url}/docs`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('swagger-ui-bundle.js');
    // Every script, stylesheet and icon is relative: it comes from this gateway.
    expect(html.match(/(?:src|href)=["']https?:/g)).toBeNull();
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-init.js']) {
      expect({ asset, status: (await fetch(`${gateway.url}/docs/${asset}`)).status }).toEqual({
        asset,
        status: 200,
      });
    }
  });

  it('answers a new order as documented (201, Location), and the projected order too (200)', async () => {
    const placed = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        customerId: 'openapi-e2e',
        region: 'eu-west',
        items: [{ sku: 'SKU-1', quantity: 1 }],
      }),
    });
    expect(placed.status).toBe(201);
    const { orderId } = (await expectDocumented(placed, 'post', '/orders')) as { orderId: string };

    const order = await waitFor(
      'the order is projected',
      async () => {
        const response = await fetch(`${gateway.url}/orders/${orderId}`);
        return response.status === 200 ? response : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await expectDocumented(order, 'get', '/orders/{orderId}');
  });

  it('answers a bad order with documented problem details: 400 with field errors', async () => {
    const response = await fetch(`${gateway.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: '', region: 'EU', items: [{ sku: 'a..b', quantity: 0 }] }),
    });
    expect(response.status).toBe(400);
    const problem = (await expectDocumented(response, 'post', '/orders')) as {
      errors: { field: string }[];
    };
    expect(problem.errors.map(({ field }) => field)).toEqual([
      'customerId',
      'region',
      'items.0.sku',
      'items.0.quantity',
    ]);
  });

  it('answers an unknown order with documented problem details: 404', async () => {
    const response = await fetch(`${gateway.url}/orders/${randomUUID()}`);
    expect(response.status).toBe(404);
    await expectDocumented(response, 'get', '/orders/{orderId}');
  });

  it("answers the dashboard's panels, the consumer list and the probes as documented", async () => {
    for (const [method, path] of [
      ['get', '/api/overview'],
      ['get', '/admin/consumers'],
      ['get', '/healthz'],
      ['get', '/readyz'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, {
        method: method.toUpperCase(),
        headers: adminHeaders(),
      });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      await expectDocumented(response, method, path);
    }
  });

  it('leaves /docs out when DOCS_ENABLED=false', async () => {
    const hidden = await suite.startOne({
      app: 'gateway',
      label: 'gateway-no-docs',
      env: { DOCS_ENABLED: 'false' },
      timeoutMs,
    });
    for (const path of ['/docs', '/docs/openapi.json']) {
      const response = await fetch(`${hidden.url}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    await hidden.stop();
  });
});
