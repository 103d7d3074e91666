import { isIP } from 'node:net';
import { AppError } from '../http/app-error.js';

/**
 * Validation and quoting for text that goes into zone files. Every user-supplied field passes
 * through here, so no value can smuggle zone-file syntax (newlines, `;`, `(`, `$INCLUDE`, quotes)
 * into the output: names are restricted to a safe alphabet and free text is quoted with every
 * special or non-ASCII byte escaped. Semantic checks (CNAME beside other data, MX pointing at a
 * CNAME, ...) are left to named-checkzone, the one authority on what BIND will load.
 */

const LABEL = /^[A-Za-z0-9_-]{1,63}$/;
const MAX_NAME_LENGTH = 253;
const MAX_STRING_BYTES = 255;

export function invalidRecord(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('INVALID_RECORD', { ...details, reason: message }, { message });
}

function checkLabels(name: string, allowWildcard: boolean, field: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalidRecord(`${field}: name length must be 1..${MAX_NAME_LENGTH}`, { value: name });
  }
  const labels = name.split('.');
  labels.forEach((label, i) => {
    if (label === '*' && i === 0 && allowWildcard) return;
    if (!LABEL.test(label)) {
      throw invalidRecord(`${field}: invalid label "${label}"`, { value: name });
    }
  });
}

/** A zone name: lower-cased, without trailing dot; throws INVALID_RECORD when malformed. */
export function normalizeZoneName(name: string): string {
  const bare = name.trim().toLowerCase().replace(/\.$/, '');
  checkLabels(bare, false, 'zone');
  return bare;
}

/** Whether absolute `fqdn` (with or without trailing dot) is `zone` or inside it. */
export function isInZone(fqdn: string, zone: string): boolean {
  const n = fqdn.toLowerCase().replace(/\.$/, '');
  return n === zone || n.endsWith(`.${zone}`);
}

/**
 * An owner name as written to the zone file: `@`, a relative name, or an absolute name that
 * must lie inside the zone (BIND would otherwise ignore it as out-of-zone data, silently).
 */
export function ownerName(name: string, zone: string): string {
  const n = name.trim();
  if (n === '@') return '@';
  if (n.endsWith('.')) {
    checkLabels(n.slice(0, -1), true, 'name');
    if (!isInZone(n, zone)) {
      throw invalidRecord(`name: ${n} is outside zone ${zone}`, { value: name });
    }
    return n;
  }
  checkLabels(n, true, 'name');
  return n;
}

/** A domain name in RDATA (CNAME/NS/PTR/MX/SRV targets); `.` only where `allowRoot`. */
export function targetName(value: string, field: string, allowRoot = false): string {
  const n = value.trim();
  if (n === '@') return '@';
  if (n === '.') {
    if (allowRoot) return '.';
    throw invalidRecord(`${field}: the root name is not allowed here`, { value });
  }
  checkLabels(n.endsWith('.') ? n.slice(0, -1) : n, false, field);
  return n;
}

export function ipAddress(value: string, family: 4 | 6, field: string): string {
  const v = value.trim();
  if (isIP(v) !== family) throw invalidRecord(`${field}: not an IPv${family} address`, { value });
  return v;
}

/** An integer in [min, max]; throws INVALID_RECORD naming the field otherwise. */
export function uint(value: number | undefined, field: string, max: number, min = 0): number {
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    throw invalidRecord(`${field}: must be an integer in ${min}..${max}`, { value });
  }
  return value;
}

export const MAX_TTL = 2_147_483_647;
export const MAX_U16 = 65_535;
export const MAX_U32 = 4_294_967_295;

/** Escapes bytes for a quoted zone-file string: `"` and `\` get a backslash, anything outside
 * printable ASCII becomes `\DDD` (decimal), so UTF-8 and control characters survive intact. */
function escapeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return out;
}

/**
 * TXT RDATA: the text as UTF-8 split into character-strings of at most 255 bytes (RFC 1035),
 * each quoted and escaped, joined by spaces. Empty text gives `""`. Splitting counts bytes
 * before escaping, so an escape sequence is never cut in half.
 */
export function quoteCharacterStrings(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return '""';
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += MAX_STRING_BYTES) {
    chunks.push(`"${escapeBytes(bytes.subarray(i, i + MAX_STRING_BYTES))}"`);
  }
  return chunks.join(' ');
}

/** A single quoted string (e.g. a CAA value); longer than 255 bytes is an error. */
export function quoteString(text: string, field: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > MAX_STRING_BYTES) {
    throw invalidRecord(`${field}: longer than ${MAX_STRING_BYTES} bytes`);
  }
  return `"${escapeBytes(bytes)}"`;
}

/** Free text for a `;` comment: one line, printable. */
export function commentText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, ' ').slice(0, 200);
}
