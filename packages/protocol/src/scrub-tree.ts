/**
 * Walks over event payloads for the projection in redaction.ts: collecting the strings a path
 * names, and replacing free text everywhere else. Both copy nothing they do not change.
 */

/** One step of a catalogue path (`b[]` → `{ name: 'b', each: true }`). */
export interface PathSegment {
  name: string;
  each: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends every string found under `segments` to `into` (the values about to be hidden). */
export function collectStrings(
  value: unknown,
  segments: readonly PathSegment[],
  into: string[],
): void {
  const [head, ...rest] = segments;
  if (head === undefined) {
    if (typeof value === 'string') into.push(value);
    return;
  }
  if (!isRecord(value) || !Object.hasOwn(value, head.name)) return;
  const child = value[head.name];
  if (head.each) {
    if (Array.isArray(child)) for (const item of child) collectStrings(item, rest, into);
  } else {
    collectStrings(child, rest, into);
  }
}

/**
 * Copy-on-write walk over every string in `value`, replacing it with `scrub(text)` unless its
 * catalogue path (`a.b`, `list[].c`, `names[]`) is in `skip`. Object keys are not data and stay.
 */
export function scrubTree(
  value: unknown,
  path: string,
  skip: ReadonlySet<string>,
  scrub: (text: string) => string,
): { value: unknown; changed: string[] } {
  if (typeof value === 'string') {
    if (skip.has(path)) return { value, changed: [] };
    const next = scrub(value);
    return next === value ? { value, changed: [] } : { value: next, changed: [path] };
  }
  if (Array.isArray(value)) {
    const itemPath = `${path}[]`;
    const changed = new Set<string>();
    const items: readonly unknown[] = value;
    let copy: unknown[] | null = null;
    items.forEach((item, i) => {
      const r = scrubTree(item, itemPath, skip, scrub);
      if (r.changed.length === 0) return;
      copy ??= [...items];
      copy[i] = r.value;
      for (const c of r.changed) changed.add(c);
    });
    return copy === null ? { value, changed: [] } : { value: copy, changed: [...changed] };
  }
  if (!isRecord(value)) return { value, changed: [] };
  let copy: Record<string, unknown> | null = null;
  const changed: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const r = scrubTree(child, path === '' ? key : `${path}.${key}`, skip, scrub);
    if (r.changed.length === 0) continue;
    copy ??= { ...value };
    copy[key] = r.value;
    for (const c of r.changed) if (!changed.includes(c)) changed.push(c);
  }
  return copy === null ? { value, changed: [] } : { value: copy, changed };
}
