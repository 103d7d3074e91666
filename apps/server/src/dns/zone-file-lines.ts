/**
 * Where each record of a zone file starts, so that an error about a normalized record (BIND's
 * named-compilezone output has no line numbers) can name the line of the file the user sent.
 *
 * A light reader, not a second parser: it follows `$ORIGIN`, blank owners (the previous owner),
 * `@`, relative names, optional TTL and class before the type, and records spanning lines in
 * parentheses (quotes and comments respected). It only locates; BIND decides what is valid.
 * Records it cannot place (from `$GENERATE`, or text it does not follow) are simply not found:
 * the caller then falls back to the record's text.
 */

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'ANY']);
const TTL = /^\d+[smhdwSMHDW]?(?:\d+[smhdwSMHDW])*$/;

/** The line's tokens outside comments, and how the line changes the parenthesis depth. */
function tokenize(line: string): { tokens: string[]; depth: number } {
  const tokens: string[] = [];
  let depth = 0;
  let current = '';
  let quoted = false;
  const flush = (): void => {
    if (current !== '') tokens.push(current);
    current = '';
  };
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === '\\') {
      current += c + line.charAt(i + 1);
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (quoted) {
      current += c;
    } else if (c === ';') {
      break;
    } else if (c === '(' || c === ')') {
      flush();
      depth += c === '(' ? 1 : -1;
    } else if (/\s/.test(c)) {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return { tokens, depth };
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.toLowerCase();
  return `${name}.${origin}`.toLowerCase();
}

function key(owner: string, type: string): string {
  return `${owner.toLowerCase()}|${type.toUpperCase()}`;
}

/**
 * Maps `owner.|TYPE` (absolute, lower case) to the 1-based lines its records start on, in file
 * order. `zone` is the import's zone (the initial origin), without a trailing dot.
 */
export function recordLines(text: string, zone: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  let origin = `${zone.toLowerCase()}.`;
  let owner = origin;
  let depth = 0;
  text.split('\n').forEach((line, index) => {
    const inside = depth > 0;
    const { tokens, depth: change } = tokenize(line);
    depth = Math.max(0, depth + change);
    if (inside || tokens.length === 0) return;
    const [first, ...rest] = tokens;
    if (first === undefined) return;
    if (first.startsWith('$')) {
      if (first.toUpperCase() === '$ORIGIN' && rest[0]) origin = absolute(rest[0], origin);
      return;
    }
    const startsBlank = /^\s/.test(line);
    if (!startsBlank) owner = absolute(first, origin);
    const fields = startsBlank ? tokens : rest;
    let i = 0;
    while (i < fields.length && i < 2) {
      const f = fields[i] ?? '';
      if (TTL.test(f) || CLASSES.has(f.toUpperCase()) || /^CLASS\d+$/i.test(f)) i++;
      else break;
    }
    const type = fields[i];
    if (type === undefined) return;
    const k = key(owner, type);
    const lines = found.get(k) ?? [];
    lines.push(index + 1);
    found.set(k, lines);
  });
  return found;
}

/**
 * Hands out each record's line once: the n-th record of an owner and type in BIND's output is
 * given the next unused line of that owner and type (BIND keeps no order among them, so lines
 * of records sharing owner and type may be swapped; the message's record text tells them apart).
 */
export function lineFinder(text: string, zone: string): (owner: string, type: string) => number {
  const lines = recordLines(text, zone);
  return (owner, type) => lines.get(key(owner, type))?.shift() ?? 0;
}
