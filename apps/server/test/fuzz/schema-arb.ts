import fc from 'fast-check';

/**
 * JSON Schema (as zod 4's `z.toJSONSchema` and the OpenAPI document write it) → a fast-check
 * arbitrary of values that mostly satisfy it. "Mostly": the point is to reach the code behind
 * validation, so the generator follows types, enums, patterns, lengths and required keys, and
 * whatever it cannot follow (allOf, lookbehind patterns) it approximates. `mutated()` then
 * breaks these values on purpose.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

const MAX_DEPTH = 6;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(s: Schema, key: string): number | undefined {
  const v = s[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    if (!isSchema(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchema(node) ? node : undefined;
}

function stringArb(s: Schema): fc.Arbitrary<string> {
  const minLength = num(s, 'minLength') ?? 0;
  const maxLength = Math.max(minLength, Math.min(num(s, 'maxLength') ?? 40, minLength + 40));
  switch (s.format) {
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc
        .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
        .map((d) => d.toISOString());
  }
  if (typeof s.pattern === 'string') {
    try {
      const re = new RegExp(s.pattern);
      return fc
        .stringMatching(re)
        .filter((v) => v.length >= minLength && v.length <= (num(s, 'maxLength') ?? Infinity));
    } catch {
      // A pattern fast-check cannot generate from: plain strings of the right length.
    }
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

function objectArb(s: Schema, root: Schema, depth: number): fc.Arbitrary<Json> {
  const props = isSchema(s.properties) ? s.properties : {};
  const required = Array.isArray(s.required) ? s.required.filter((k) => typeof k === 'string') : [];
  const model: Record<string, fc.Arbitrary<Json>> = {};
  for (const [key, sub] of Object.entries(props)) model[key] = schemaArb(sub, root, depth + 1);
  if (Object.keys(model).length === 0) {
    return fc.dictionary(
      fc.string({ maxLength: 8 }),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      {
        maxKeys: 3,
      },
    );
  }
  return fc.record(model, { requiredKeys: required.filter((k) => k in model) });
}

function typedArb(type: string, s: Schema, root: Schema, depth: number): fc.Arbitrary<Json> {
  switch (type) {
    case 'string':
      return stringArb(s);
    case 'integer': {
      const exMin = num(s, 'exclusiveMinimum');
      const exMax = num(s, 'exclusiveMaximum');
      const min = Math.max(num(s, 'minimum') ?? -1e9, exMin !== undefined ? exMin + 1 : -1e9);
      const max = Math.min(num(s, 'maximum') ?? 1e9, exMax !== undefined ? exMax - 1 : 1e9);
      return min <= max
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.constant(min);
    }
    case 'number':
      return fc.double({
        min: num(s, 'minimum') ?? -1e9,
        max: num(s, 'maximum') ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = num(s, 'minItems') ?? 0;
      const maxLength = Math.max(minLength, Math.min(num(s, 'maxItems') ?? 4, minLength + 4));
      return fc.array(schemaArb(s.items, root, depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectArb(s, root, depth);
    default:
      return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
  }
}

/** Values (mostly) valid for `schema`; `root` resolves `$ref`s. */
export function schemaArb(schema: unknown, root: Schema = {}, depth = 0): fc.Arbitrary<Json> {
  if (!isSchema(schema) || depth > MAX_DEPTH)
    return fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>;
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, root);
    return target ? schemaArb(target, root, depth + 1) : fc.constant(null);
  }
  if ('const' in schema) return fc.constant(schema.const as Json);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return fc.constantFrom(...(schema.enum as Json[]));
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      return fc.oneof(...options.map((o) => schemaArb(o, root, depth + 1)));
    }
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return schemaArb(schema.allOf[0], root, depth + 1);
  }
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((t): t is string => typeof t === 'string');
    if (types.length > 0) return fc.oneof(...types.map((t) => typedArb(t, schema, root, depth)));
  }
  if (typeof schema.type === 'string') return typedArb(schema.type, schema, root, depth);
  if (isSchema(schema.properties)) return objectArb(schema, root, depth);
  return fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
}

export type { Json };
