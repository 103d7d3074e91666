import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeFields, describeType, schemaAtPath } from './schema-describe.js';

describe('schema walker', () => {
  const schema = z.object({
    a: z.string().describe('the a'),
    b: z.number().int().optional(),
    c: z.enum(['x', 'y']).nullable(),
    d: z.array(z.object({ e: z.literal('q'), f: z.iso.datetime() })),
    g: z.record(z.string(), z.number()),
    h: z.object({ i: z.boolean() }).nullable().optional(),
    j: z.union([z.string(), z.null()]),
  });

  it('describes types through wrappers', () => {
    expect(describeFields(schema)).toEqual([
      { path: 'a', type: 'string', optional: false, description: 'the a' },
      { path: 'b', type: 'int', optional: true },
      { path: 'c', type: '"x" | "y" | null', optional: false },
      { path: 'd', type: 'object[]', optional: false },
      { path: 'd[].e', type: '"q"', optional: false },
      { path: 'd[].f', type: 'ISO time', optional: false },
      { path: 'g', type: 'Record<string, number>', optional: false },
      { path: 'h', type: 'object | null', optional: true },
      { path: 'h.i', type: 'boolean', optional: false },
      { path: 'j', type: 'string | null', optional: false },
    ]);
    expect(describeType(z.array(z.enum(['a', 'b'])))).toBe('("a" | "b")[]');
  });

  it('resolves redaction paths', () => {
    expect(schemaAtPath(schema, 'd[].e')).toBe(schema.shape.d.element.shape.e);
    expect(schemaAtPath(schema, 'h.i')).toBeDefined();
    expect(schemaAtPath(schema, 'd.e')).toBeUndefined();
    expect(schemaAtPath(schema, 'zz')).toBeUndefined();
    expect(schemaAtPath(schema, 'a[]')).toBeUndefined();
  });
});
