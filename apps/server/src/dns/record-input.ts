import { z } from 'zod';

/** A host name in zone-file form: labels of letters, digits, `-` and `_`; absolute with a dot. */
const HOST =
  /^(?=.{1,254}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;
/** An owner name: `@`, a relative or absolute name, optionally starting with a `*` label. */
const OWNER =
  /^(?:@|\*|(?:\*\.)?(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?)$/;

export const hostName = z
  .string()
  .trim()
  .max(254)
  .regex(HOST, 'must be a host name like mail.example.com.');
export const ownerName = z
  .string()
  .trim()
  .min(1)
  .max(254)
  .regex(OWNER, 'must be @, a relative name like www, or an absolute name ending in a dot');
const ttl = z
  .number()
  .int()
  .min(0)
  .max(2_147_483_647)
  .optional()
  .describe('Seconds; default: the zone TTL');
const u16 = z.number().int().min(0).max(65_535);

const base = { name: ownerName, ttl };

/**
 * Record input per type, validated before anything reaches BIND (named-checkzone is the second
 * gate). The discriminant is `type`; fields beyond `value` exist only where the type has them.
 */
export const recordInputSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('A'),
    value: z.ipv4({ message: 'must be an IPv4 address' }),
  }),
  z.object({
    ...base,
    type: z.literal('AAAA'),
    value: z.ipv6({ message: 'must be an IPv6 address' }),
  }),
  z.object({ ...base, type: z.literal('CNAME'), value: hostName }),
  z.object({ ...base, type: z.literal('NS'), value: hostName }),
  z.object({ ...base, type: z.literal('PTR'), value: hostName }),
  z.object({ ...base, type: z.literal('MX'), value: hostName, priority: u16 }),
  z.object({
    ...base,
    type: z.literal('TXT'),
    value: z
      .string()
      .min(1)
      .max(4000)
      .refine(
        // Tab is allowed; other C0 controls and DEL would corrupt the zone file.
        (v) => ![...v].some((c) => (c < ' ' && c !== '\t') || c === '\u007f'),
        'must not contain control characters',
      ),
  }),
  z.object({
    ...base,
    type: z.literal('SRV'),
    value: z.union([hostName, z.literal('.')]),
    priority: u16,
    weight: u16,
    port: u16,
  }),
  z.object({
    ...base,
    type: z.literal('CAA'),
    value: z
      .string()
      .min(1)
      .max(255)
      .refine((v) => !/["\\\n]/.test(v), 'must not contain quotes, backslashes or newlines'),
    flags: z.number().int().min(0).max(255).default(0),
    tag: z.enum(['issue', 'issuewild', 'iodef']).default('issue'),
  }),
]);

export type RecordInput = z.infer<typeof recordInputSchema>;
export const RECORD_INPUT_TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'NS',
  'PTR',
  'MX',
  'TXT',
  'SRV',
  'CAA',
] as const;

/** The zone-file presentation of a record's data, as events and the UI show it. */
export function presentValue(r: {
  type: string;
  value: string;
  priority?: number | null;
  weight?: number | null;
  port?: number | null;
  flags?: number | null;
  tag?: string | null;
}): string {
  switch (r.type) {
    case 'MX':
      return `${r.priority ?? 0} ${r.value}`;
    case 'SRV':
      return `${r.priority ?? 0} ${r.weight ?? 0} ${r.port ?? 0} ${r.value}`;
    case 'CAA':
      return `${r.flags ?? 0} ${r.tag ?? 'issue'} "${r.value}"`;
    case 'TXT':
      return `"${r.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    default:
      return r.value;
  }
}

/** Canonical owner name within a zone, for comparing names (`www`, `www.example.com.` → same). */
export function canonicalOwner(name: string, zone: string): string {
  const z = zone.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase();
  if (n === '@') return z;
  if (n.endsWith('.')) return n.slice(0, -1);
  return `${n}.${z}`;
}
