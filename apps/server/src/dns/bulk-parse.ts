import { parse } from 'csv-parse/sync';
import type { JobSpec } from './bulk-jobs.js';
import type { z } from 'zod';

export interface ParsedLine<T> {
  /** 1-based line (CSV: the data line, header excluded; JSON: the array index + 1). */
  line: number;
  value?: T;
  error?: string;
}

const NUMERIC = new Set(['ttl', 'priority', 'weight', 'port', 'flags']);

/** CSV cells are strings: numbers and empty cells become what the JSON form would hold. */
function coerce(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, raw] of Object.entries(row)) {
    const v = raw.trim();
    if (v === '') continue;
    out[k] =
      NUMERIC.has(k) && /^-?\d+$/.test(v)
        ? Number(v)
        : v === 'true'
          ? true
          : v === 'false'
            ? false
            : v;
  }
  return out;
}

/**
 * Splits an import into lines and validates each with `schema`. One bad line never stops the
 * others. CSV needs a header row naming the columns (e.g. `name,type,ttl,value,priority`).
 */
export function parseImport<S extends z.ZodType>(
  format: 'json' | 'csv',
  data: unknown,
  schema: S,
): ParsedLine<z.infer<S>>[] {
  let rows: unknown[];
  if (format === 'csv') {
    if (typeof data !== 'string') return [{ line: 0, error: 'CSV data must be a string' }];
    try {
      rows = parse<Record<string, string>>(data, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
      }).map(coerce);
    } catch (err) {
      return [
        {
          line: 0,
          error: `CSV could not be read: ${err instanceof Error ? err.message : String(err)}`,
        },
      ];
    }
  } else {
    if (!Array.isArray(data)) return [{ line: 0, error: 'JSON data must be an array' }];
    rows = data;
  }
  return rows.map((row, i) => {
    const r = schema.safeParse(row);
    if (r.success) return { line: i + 1, value: r.data };
    const issue = r.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return { line: i + 1, error: `${where}${issue?.message ?? 'invalid'}` };
  });
}

/** A bulk job over parsed lines: invalid lines are counted as failed up front, the rest applied. */
export function importJobSpec<T>(
  lines: readonly ParsedLine<T>[],
  spec: Omit<JobSpec<T>, 'total' | 'invalid' | 'items'>,
): JobSpec<T> {
  return {
    ...spec,
    total: lines.length,
    invalid: lines.flatMap((l) =>
      l.error !== undefined ? [{ line: l.line, message: l.error }] : [],
    ),
    items: lines.flatMap((l) => (l.value !== undefined ? [{ line: l.line, value: l.value }] : [])),
  };
}
