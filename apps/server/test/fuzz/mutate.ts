import fc from 'fast-check';
import type { Json } from './schema-arb.js';

/**
 * Breaks valid JSON values the ways hostile or buggy clients do: a field of the wrong type, a
 * missing field, extra fields (prototype keys included), huge or odd numbers, deep nesting,
 * and text-level damage (truncation, trailing garbage, a BOM, numbers JSON.parse turns into
 * Infinity). Everything is chosen by the arbitraries, so a seed replays it exactly.
 */

/**
 * Percent-encoding that is invalid, truncated, overlong (`%C0%AF`), encodes a separator or a
 * NUL, or is a dot segment: for path segments in REST requests and upgrade targets alike.
 */
export const BROKEN_PERCENT: readonly string[] = [
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '%2F',
  '%2e%2e',
  '%25',
  '%25%',
  '%u0041',
  '%ff',
  '%ff%fe',
  '%',
  '%%',
  '..',
  '.',
];

/** Values that break type expectations; several hit known parser edge cases. */
export const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    2 ** 53 + 2,
    -(2 ** 63),
    1e308,
    -1e308,
    5e-324,
    '',
    ' ',
    '\u0000',
    '\ud800',
    '%ZZ',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'x'.repeat(70_000),
    [],
    {},
    [[[[[]]]]],
    { __proto__: null, toString: 1 } as unknown as Json,
  ),
  fc.integer({ min: 50, max: 3000 }).map((d) => nest(d)),
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

function nest(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

type Path = (string | number)[];

function paths(value: Json, at: Path = [], out: Path[] = [], limit = 200): Path[] {
  if (out.length >= limit) return out;
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out, limit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out, limit);
  }
  return out;
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** Replaces (or with `value === undefined` deletes) what sits at `path`. */
function setAt(root: Json, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = clone(root);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return copy;
    node = (node as Record<string, Json>)[key as string] ?? null;
  }
  const last = path[path.length - 1] as string | number;
  if (node === null || typeof node !== 'object') return copy;
  if (Array.isArray(node) && typeof last === 'number') {
    if (value === undefined) node.splice(last, 1);
    else node[last] = value;
  } else {
    const obj = node as Record<string, Json>;
    if (value === undefined) Reflect.deleteProperty(obj, last);
    else
      Object.defineProperty(obj, last, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'extra'; at: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('extra' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'type', 'id'),
      fc.string({ maxLength: 10 }),
    ),
    value: hostileValue,
  }),
);

function apply(value: Json, m: Mutation): Json {
  const all = paths(value);
  const path = all[m.at % all.length] ?? [];
  if (m.kind === 'replace') return setAt(value, path, m.value);
  if (m.kind === 'delete') return path.length === 0 ? value : setAt(value, path, undefined);
  const host = getAt(value, path);
  if (host === null || typeof host !== 'object' || Array.isArray(host)) return value;
  return setAt(value, [...path, m.key], m.value);
}

function getAt(root: Json, path: Path): Json {
  let node: Json = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, Json>)[key as string] ?? null;
  }
  return node;
}

type TextDamage =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; junk: string }
  | { kind: 'bom' }
  | { kind: 'bignum'; with: string };

const textDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('append' as const),
    junk: fc.constantFrom('}', ']', ',', 'x', '\u0000', '{"a":1}'),
  }),
  fc.constant({ kind: 'bom' as const }),
  fc.record({
    kind: fc.constant('bignum' as const),
    with: fc.constantFrom(
      '1e999',
      '-1e999',
      '123456789012345678901234567890',
      '-0',
      '0.0000000000000000000001',
    ),
  }),
);

function damage(text: string, d: TextDamage): string {
  switch (d.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, d.at % Math.max(1, text.length));
    case 'append':
      return text + d.junk;
    case 'bom':
      return `\ufeff${text}`;
    case 'bignum':
      return text.replace(/-?\d+(\.\d+)?([eE][-+]?\d+)?/, d.with);
  }
}

/**
 * JSON text derived from `valid`: sometimes untouched, usually with one to three structural
 * mutations, sometimes damaged at the text level too.
 */
export function mutatedJson(valid: fc.Arbitrary<Json>): fc.Arbitrary<string> {
  return fc
    .tuple(valid, fc.array(mutation, { maxLength: 3 }), textDamage)
    .map(([value, ms, d]) => damage(JSON.stringify(ms.reduce(apply, value)) ?? 'null', d));
}
