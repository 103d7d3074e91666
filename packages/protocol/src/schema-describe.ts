/**
 * A small walker over zod 4 schemas for generated documentation and catalogue invariants. It
 * reads `_zod.def` (type tag plus children), which zod 4 documents for introspection, and falls
 * back to `unknown` for anything it does not recognise rather than failing.
 */
import type { z } from 'zod';

type Schema = z.core.$ZodType;

export interface FieldRow {
  /** Dotted path; `[]` marks array elements (`topClients[].ip`), as in the redaction rule. */
  path: string;
  type: string;
  optional: boolean;
  description?: string;
}

interface Def {
  type: string;
  innerType?: Schema;
  element?: Schema;
  shape?: Record<string, Schema>;
  options?: readonly Schema[];
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
  valueType?: Schema;
  in?: Schema;
}

function defOf(schema: Schema): Def {
  return schema._zod.def;
}

function descriptionOf(schema: Schema): string | undefined {
  const d = (schema as { description?: unknown }).description;
  return typeof d === 'string' ? d : undefined;
}

function formatOf(schema: Schema): string | undefined {
  const f = (schema as { format?: unknown }).format;
  return typeof f === 'string' ? f : undefined;
}

/** Strips optional/nullable/default/readonly wrappers, remembering what they meant. */
export function unwrap(schema: Schema): {
  inner: Schema;
  optional: boolean;
  nullable: boolean;
  description?: string;
} {
  let inner = schema;
  let optional = false;
  let nullable = false;
  let description = descriptionOf(schema);
  for (let i = 0; i < 16; i++) {
    const def = defOf(inner);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') {
      optional = true;
    } else if (def.type === 'nullable') {
      nullable = true;
    } else if (def.type !== 'readonly' && def.type !== 'catch') {
      break;
    }
    if (!def.innerType) break;
    inner = def.innerType;
    description ??= descriptionOf(inner);
  }
  return description === undefined
    ? { inner, optional, nullable }
    : { inner, optional, nullable, description };
}

/** Human-readable type of a schema, e.g. `int`, `"a" | "b"`, `string[] | null`. */
export function describeType(schema: Schema): string {
  const { inner, nullable } = unwrap(schema);
  const base = describeBase(inner);
  return nullable ? `${base} | null` : base;
}

function describeBase(schema: Schema): string {
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const format = formatOf(schema);
      return format === 'datetime' ? 'ISO time' : format ? `string (${format})` : 'string';
    }
    case 'number':
      return formatOf(schema) === 'safeint' ? 'int' : 'number';
    case 'boolean':
    case 'null':
    case 'unknown':
      return def.type;
    case 'literal':
      return (def.values ?? []).map((v) => JSON.stringify(v)).join(' | ');
    case 'enum':
      return Object.values(def.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(' | ');
    case 'array': {
      const element = def.element ? describeType(def.element) : 'unknown';
      return element.includes(' ') ? `(${element})[]` : `${element}[]`;
    }
    case 'object':
      return 'object';
    case 'record':
      return `Record<string, ${def.valueType ? describeType(def.valueType) : 'unknown'}>`;
    case 'union':
      return (def.options ?? []).map((o) => describeType(o)).join(' | ');
    case 'pipe':
      return def.in ? describeType(def.in) : 'unknown';
    default:
      return def.type;
  }
}

/** The object shape of a schema (through wrappers), or undefined. */
export function shapeOf(schema: Schema): Record<string, Schema> | undefined {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  return def.type === 'object' ? def.shape : undefined;
}

/** The element schema of an array schema (through wrappers), or undefined. */
export function elementOf(schema: Schema): Schema | undefined {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  return def.type === 'array' ? def.element : undefined;
}

/**
 * Flattens an object schema into rows, depth first: nested objects add `parent.child` rows,
 * arrays of objects add `parent[].child` rows.
 */
export function describeFields(schema: Schema, prefix = ''): FieldRow[] {
  const rows: FieldRow[] = [];
  const shape = shapeOf(schema) ?? {};
  for (const [name, field] of Object.entries(shape)) {
    const path = `${prefix}${name}`;
    const { optional, description } = unwrap(field);
    const row: FieldRow = { path, type: describeType(field), optional };
    if (description !== undefined) row.description = description;
    rows.push(row);
    if (shapeOf(field)) rows.push(...describeFields(field, `${path}.`));
    const element = elementOf(field);
    if (element && shapeOf(element)) rows.push(...describeFields(element, `${path}[].`));
  }
  return rows;
}

/** Resolves a redaction-style path (`a.b`, `list[].c`) to its schema, or undefined. */
export function schemaAtPath(schema: Schema, path: string): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const segment of path.split('.')) {
    if (current === undefined) return undefined;
    const each = segment.endsWith('[]');
    const name = each ? segment.slice(0, -2) : segment;
    const shape = shapeOf(current);
    if (!shape || !Object.hasOwn(shape, name)) return undefined;
    current = shape[name];
    if (each) current = current === undefined ? undefined : elementOf(current);
  }
  return current;
}
