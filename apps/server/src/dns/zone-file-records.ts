import { RECORD_TYPES, recordInputSchema, type RecordInput } from '@hdns/protocol/rest';
import type { SoaSpec } from './dns-specs.js';
import type { ParsedLine } from './bulk-parse.js';

/**
 * Turns named-compilezone's canonical lines (`owner. ttl IN TYPE rdata`, zone-compile.ts) into
 * record inputs validated exactly as the REST API validates a record (recordInputSchema); the
 * record service and named-checkzone judge them again when they are stored.
 *
 * Contracts:
 * - `line` of every result is the line of the original file the record starts on, as `lineOf`
 *   finds it (zone-file-lines.ts), else 0; every error message starts with the record's text
 *   (BIND's normalized form), which names it where no line could be found.
 * - the SOA is returned apart (never a record: the server owns the SOA and its serial);
 * - a type the API does not support is an error line, never silently dropped;
 * - owner names become relative to the zone (`@`, `www`); targets stay absolute;
 * - a TXT's character-strings are joined into one value (the serializer splits it again at 255
 *   bytes); a TTL equal to `defaultTtl` is left out so the record follows the zone's TTL.
 * - RRsets (RFC 2181 §5, rrset.ts) are as BIND read them: duplicate lines of the file come out
 *   once, and an RRset whose lines have different TTLs comes out with the TTL of its first line
 *   ("TTL set to prior TTL"), as named would serve it. A record clashing with one already in the
 *   zone (a duplicate, another TTL than its RRset's) is refused by the record service, one job
 *   error per record.
 */

export interface ZoneFileRecords {
  soa: (SoaSpec & { ttl: number }) | null;
  lines: ParsedLine<RecordInput>[];
}

const SUPPORTED = new Set<string>(RECORD_TYPES);

/** Splits presentation-format character-strings (`"a \"b\"" c`), decoding `\X` and `\DDD`. */
export function characterStrings(rdata: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < rdata.length) {
    while (i < rdata.length && /\s/.test(rdata.charAt(i))) i++;
    if (i >= rdata.length) break;
    const quoted = rdata.charAt(i) === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    while (i < rdata.length) {
      const c = rdata.charAt(i);
      if (quoted ? c === '"' : /\s/.test(c)) break;
      if (c === '\\') {
        const digits = /^\d{3}/.exec(rdata.slice(i + 1, i + 4));
        if (digits) {
          bytes.push(Number(digits[0]) & 0xff);
          i += 4;
        } else {
          bytes.push(...Buffer.from(rdata.charAt(i + 1), 'utf8'));
          i += 2;
        }
        continue;
      }
      bytes.push(...Buffer.from(c, 'utf8'));
      i++;
    }
    if (quoted) i++;
    out.push(Buffer.from(bytes).toString('utf8'));
  }
  return out;
}

function relativeOwner(owner: string, zone: string): string {
  const o = owner.toLowerCase();
  const apex = `${zone.toLowerCase()}.`;
  if (o === apex) return '@';
  if (o.endsWith(`.${apex}`)) return owner.slice(0, owner.length - apex.length - 1);
  return owner;
}

/** The record's fields from its type and RDATA; a string when the RDATA has not the right form. */
function fieldsOf(type: string, rdata: string): Record<string, unknown> | string {
  const f = rdata.split(/\s+/);
  const num = (s: string | undefined): number | string =>
    s !== undefined && /^\d+$/.test(s) ? Number(s) : (s ?? '');
  switch (type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'NS':
    case 'PTR':
      return { value: rdata };
    case 'MX':
      return { priority: num(f[0]), value: f[1] ?? '' };
    case 'SRV':
      return { priority: num(f[0]), weight: num(f[1]), port: num(f[2]), value: f[3] ?? '' };
    case 'TXT':
      return { value: characterStrings(rdata).join('') };
    case 'CAA': {
      const m = /^(\d+)\s+(\S+)\s+(.*)$/.exec(rdata);
      if (!m?.[1] || !m[2] || m[3] === undefined) return 'CAA data must be: flags tag "value"';
      return {
        flags: Number(m[1]),
        tag: m[2].toLowerCase(),
        value: characterStrings(m[3]).join(''),
      };
    }
    default:
      return `type ${type} is not supported (supported: ${RECORD_TYPES.join(', ')})`;
  }
}

function soaOf(rdata: string, ttl: number): ZoneFileRecords['soa'] {
  const f = rdata.split(/\s+/);
  const n = f.slice(3, 7).map(Number);
  if (f.length < 7 || n.some((x) => !Number.isInteger(x))) return null;
  return {
    mname: f[0] ?? '',
    rname: f[1] ?? '',
    refresh: n[0] ?? 0,
    retry: n[1] ?? 0,
    expire: n[2] ?? 0,
    minimum: n[3] ?? 0,
    ttl,
  };
}

export function zoneFileRecords(
  canonical: readonly string[],
  zone: string,
  defaultTtl: number,
  lineOf: (owner: string, type: string) => number = () => 0,
): ZoneFileRecords {
  let soa: ZoneFileRecords['soa'] = null;
  const lines: ParsedLine<RecordInput>[] = [];
  for (const text of canonical) {
    const m = /^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(text.trim());
    const shown = text.trim().replace(/\s+/g, ' ').slice(0, 300);
    if (!m?.[1] || !m[2] || !m[3] || !m[4] || m[5] === undefined) {
      lines.push({ line: 0, error: `${shown}: not a record line` });
      continue;
    }
    const [, owner, ttlText, klass, rawType, rdata] = m;
    const type = rawType.toUpperCase();
    const line = lineOf(owner, type);
    const ttl = Number(ttlText);
    if (type === 'SOA') {
      if (!soa) soa = soaOf(rdata.trim(), ttl);
      continue;
    }
    if (klass.toUpperCase() !== 'IN') {
      lines.push({ line, error: `${shown}: class ${klass} is not supported (only IN)` });
      continue;
    }
    const fields = SUPPORTED.has(type) ? fieldsOf(type, rdata.trim()) : fieldsOf('', '');
    if (typeof fields === 'string') {
      const why = SUPPORTED.has(type)
        ? fields
        : `type ${type} is not supported (supported: ${RECORD_TYPES.join(', ')})`;
      lines.push({ line, error: `${shown}: ${why}` });
      continue;
    }
    const input = {
      name: relativeOwner(owner, zone),
      type,
      ...(ttl !== defaultTtl ? { ttl } : {}),
      ...fields,
    };
    const r = recordInputSchema.safeParse(input);
    if (r.success) {
      lines.push({ line, value: r.data });
    } else {
      const issue = r.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      lines.push({ line, error: `${shown}: ${where}${issue?.message ?? 'invalid'}` });
    }
  }
  return { soa, lines };
}
