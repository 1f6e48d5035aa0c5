import { z } from 'zod';
import { ZodComponents } from './zod-schemas';

describe('ZodComponents: OpenAPI schemas from zod, named once, each from its side', () => {
  const Sku = z.string().regex(/^[A-Z]+$/);
  const Line = z.object({ sku: Sku, quantity: z.int().positive() });
  const Order = z.object({ lines: z.array(Line), note: z.string().trim().describe('Free text') });

  it('turns a named schema into a $ref, and nested named schemas into components', () => {
    const components = new ZodComponents()
      .add(Sku, { id: 'Sku', io: 'output' })
      .add(Order, { id: 'Order', io: 'output' });

    expect(components.converter(Order, { schemaType: 'output' })).toEqual({
      schema: { $ref: '#/components/schemas/Order' },
      components: {},
    });
    const { Order: order, Sku: sku } = components.components();
    expect(sku).toEqual({ type: 'string', pattern: '^[A-Z]+$' });
    expect(order).toMatchObject({
      properties: {
        lines: { items: { properties: { sku: { $ref: '#/components/schemas/Sku' } } } },
        // `.describe()` in the contracts becomes the description.
        note: { type: 'string', description: 'Free text' },
      },
      // The output side of a zod object is closed; no `$schema`, `id` or `io` leak in.
      additionalProperties: false,
    });
    expect(JSON.stringify(order)).not.toMatch(/"\$schema"|"io"|"id"/);
  });

  it('writes an unnamed schema inline, from the side it is used on', () => {
    const components = new ZodComponents();
    const input = components.converter(Line, { schemaType: 'input' })!.schema;
    const output = components.converter(Line, { schemaType: 'output' })!.schema;
    // zod strips unknown keys of input, so only the output is closed.
    expect(input).not.toHaveProperty('additionalProperties');
    expect(output).toHaveProperty('additionalProperties', false);
  });

  it('refuses a component used on the other side when it reads differently there', () => {
    const components = new ZodComponents().add(Line, { id: 'Line', io: 'output' });
    expect(() => components.converter(Line, { schemaType: 'input' })).toThrow(
      'Line is an output component, used here as input',
    );
    // A plain string reads the same on both sides: allowed.
    const strings = new ZodComponents().add(Sku, { id: 'Sku', io: 'output' });
    expect(strings.converter(Sku, { schemaType: 'input' })!.schema).toEqual({
      $ref: '#/components/schemas/Sku',
    });
  });

  it('refuses a nested component from the other side, and two schemas of one name', () => {
    const mixed = new ZodComponents()
      .add(Line, { id: 'Line', io: 'output' })
      .add(z.object({ line: Line }), { id: 'Request', io: 'input' });
    expect(() => mixed.components()).toThrow(/Line \(output\) is used inside Request \(input\)/);
    expect(() =>
      new ZodComponents().add(Sku, { id: 'Sku', io: 'output' }).add(Line, {
        id: 'Sku',
        io: 'output',
      }),
    ).toThrow('two schemas are named Sku');
  });
});
