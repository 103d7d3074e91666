import { z } from 'zod';
import { CAA_TAGS } from './lists.js';

/** A host name in zone-file form: labels of letters, digits, `-` and `_`; absolute with a dot. */
const HOST =
  /^(?=.{1,254}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/;
/** An owner name: `@`, a relative or absolute name, optionally starting with a `*` label. */
const OWNER =
  /^(?:@|\*|(?:\*\.)?(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?)$/;

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();

/**
 * RFC 1123 2.1: a host name never has the form of an address, so one here is a mistake. zod's
 * address checks rather than node:net's isIP, so the schema runs in the browser too; an IPv6
 * zone suffix (`%eth0`) is dropped first, as isIP does.
 */
function notAnAddress(v: string): boolean {
  const bare = v.replace(/\.$/, '');
  return !ipv4.safeParse(bare).success && !ipv6.safeParse(bare.replace(/%[^%]+$/, '')).success;
}

/**
 * A target host name (`field` names it in every message, e.g. "MX value (the mail exchange)").
 * `.` only where the type allows "no service" (SRV).
 */
function target(field: string, allowRoot = false) {
  const message = `${field} must be a host name like mail.example.com.`;
  return z
    .string({ error: message })
    .trim()
    .max(254, { error: message })
    .refine(notAnAddress, { error: `${field} must be a host name, not an IP address` })
    .refine((v) => (allowRoot && v === '.') || HOST.test(v), { error: message });
}

/** An integer in [0, max]; the message names the field whether it is missing or out of range. */
function int(field: string, max: number) {
  const message = `${field} must be an integer 0-${max}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(0, { error: message })
    .max(max, { error: message });
}

export const hostName = target('host name');
export const ownerName = z
  .string({ error: 'name is required' })
  .trim()
  .min(1, { error: 'name is required' })
  .max(254, { error: 'name must be at most 254 characters' })
  .regex(OWNER, 'name must be @, a relative name like www, or an absolute name ending in a dot');
const ttl = int('ttl', 2_147_483_647).optional().describe('Seconds; default: the zone TTL');
const U16 = 65_535;

const base = { name: ownerName, ttl };
const TXT_MAX = 4000;

/**
 * Record input per type, validated before anything reaches BIND (named-checkzone is the second
 * gate). The discriminant is `type`; fields beyond `value` exist only where the type has them.
 * Every message names its field, so a form or an import report can point at it. The members
 * follow RECORD_TYPES.
 */
export const recordInputSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('A'),
    value: z.ipv4({ error: 'A value must be an IPv4 address' }),
  }),
  z.object({
    ...base,
    type: z.literal('AAAA'),
    value: z.ipv6({ error: 'AAAA value must be an IPv6 address' }),
  }),
  z.object({
    ...base,
    type: z.literal('CNAME'),
    value: target('CNAME value (the canonical name)'),
  }),
  z.object({ ...base, type: z.literal('NS'), value: target('NS value (the name server)') }),
  z.object({ ...base, type: z.literal('PTR'), value: target('PTR value (the host name)') }),
  z.object({
    ...base,
    type: z.literal('MX'),
    value: target('MX value (the mail exchange)'),
    priority: int('MX priority (the preference)', U16),
  }),
  z.object({
    ...base,
    type: z.literal('TXT'),
    value: z
      .string({ error: 'TXT value must be text' })
      .min(1, { error: `TXT value must be 1-${TXT_MAX} characters` })
      .max(TXT_MAX, { error: `TXT value must be 1-${TXT_MAX} characters` })
      .refine(
        // Tab is allowed; other C0 controls and DEL would corrupt the zone file.
        (v) => ![...v].some((c) => (c < ' ' && c !== '\t') || c === '\u007f'),
        { error: 'TXT value must not contain control characters' },
      ),
  }),
  z.object({
    ...base,
    type: z.literal('SRV'),
    value: target('SRV value (the target host, or . for none)', true),
    priority: int('SRV priority', U16),
    weight: int('SRV weight', U16),
    port: int('SRV port', U16),
  }),
  z.object({
    ...base,
    type: z.literal('CAA'),
    value: z
      .string({ error: 'CAA value must be text' })
      .min(1, { error: 'CAA value must be 1-255 characters' })
      .max(255, { error: 'CAA value must be 1-255 characters' })
      .refine((v) => !/["\\\n]/.test(v), {
        error: 'CAA value must not contain quotes, backslashes or newlines',
      }),
    flags: int('CAA flags', 255).default(0),
    tag: z.enum(CAA_TAGS, { error: 'CAA tag must be issue, issuewild or iodef' }).default('issue'),
  }),
]);

/** A validated record (defaults applied), as the server stores it. */
export type RecordInput = z.infer<typeof recordInputSchema>;
/** A record as a client sends it (defaulted fields may be left out). */
export type RecordInputBody = z.input<typeof recordInputSchema>;

type KeysOfUnion<U> = U extends unknown ? keyof U : never;
type ValueOfUnion<U, K extends PropertyKey> = U extends unknown
  ? K extends keyof U
    ? U[K]
    : never
  : never;

/**
 * Every field any record type may carry, the type-specific ones optional: what a form editing a
 * record of any type holds. Derived from the schema, so it cannot drift from it.
 */
export type RecordFields = { [K in keyof RecordInputBody]: RecordInputBody[K] } & {
  [K in Exclude<KeysOfUnion<RecordInputBody>, keyof RecordInputBody>]?: ValueOfUnion<
    RecordInputBody,
    K
  >;
};
